#!/usr/bin/env bash
# Sets Shotline up in .venv at the repository root, then launches the editor
# (default) or runs every test (`test`). Safe to run again: when nothing it
# depends on has changed since the last run, it skips straight to the command.
#
#   installers/shotline.sh [PROJECT.otio]   set up, then open the editor
#   installers/shotline.sh test [PYTEST ARGS]  set up, then run every test
#   installers/shotline.sh setup             set up only
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
py=${PYTHON:-python3}

# Debian packages Shotline needs at run time or in its tests: PortAudio for
# sounddevice, the X/EGL client libraries Qt loads, Xvfb for headed checks,
# ffmpeg as the reference encoder in benchmarks, FluidSynth + a General MIDI
# soundfont and espeak-ng for the no-download music and voice backends.
apt_packages=(
  libportaudio2 libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0
  xvfb xauth ffmpeg
  fluidsynth timgm6mb-soundfont espeak-ng fonts-dejavu-core
  iproute2
)

ensure_apt() {
  local missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "shotline: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "shotline: some Debian packages are missing. Install them with:"
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
}

ensure_venv() {
  if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "shotline: Python 3.11 or newer is needed (found: $("$py" --version 2>&1))" >&2
    exit 1
  fi
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  # The stamp records what the last successful install was made from, so a
  # second run costs a hash instead of a pip resolve.
  local stamp="$venv/.shotline-setup"
  local want
  want=$(cat "$root/pyproject.toml" "$root/installers/shotline.sh" | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  local pip=("$venv/bin/python" -m pip install --disable-pip-version-check -q)
  # CPU build of torch first: any other torch spec pulls gigabytes of CUDA
  # wheels on a machine that has no GPU. Users with a GPU install the CUDA
  # build of the same version into .venv themselves (see README).
  "$venv/bin/python" -c 'import torch' 2>/dev/null || "${pip[@]}" "torch==2.13.0"
  "${pip[@]}" -e "$root[ai,test,piper,farm]"
  echo "$want" > "$stamp"
}

cmd=${1:-}
ensure_apt
ensure_venv
case "$cmd" in
  setup)
    echo "shotline: set up in $venv"
    ;;
  test)
    shift
    cd "$root"
    export QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1
    "$venv/bin/ruff" check engine editor tests
    "$venv/bin/lint-imports" "$root/pyproject.toml"
    if [ $# -gt 0 ]; then
      exec "$venv/bin/python" -m pytest "$@"
    fi
    "$venv/bin/python" -m pytest --ignore=tests/farm
    # Ray listens on every interface it finds, so the farm's tests run in a network namespace that
    # holds only loopback (they skip themselves anywhere else, saying so).
    if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
      unshare -n sh -c 'ip link set lo up && exec "$0" -m pytest tests/farm' "$venv/bin/python"
    else
      echo "shotline: farm tests need root for a loopback-only network namespace (unshare -n); they skip"
      "$venv/bin/python" -m pytest tests/farm
    fi
    ;;
  *)
    # The demo project's shots are made here, once, the first time the editor is opened on it, so
    # it opens at once; the editor makes them in the background itself when they are missing.
    if [ $# -eq 0 ] && [ ! -f "$venv/.shotline-demo" ]; then
      echo "shotline: making the demo project's shots (first start only, under a minute)"
      if "$venv/bin/python" -c 'from engine.demo import demo_project; print(f"shotline: demo project: {demo_project()}")'; then
        touch "$venv/.shotline-demo"
      fi
    fi
    exec "$venv/bin/shotline" "$@"
    ;;
esac
