#!/usr/bin/env bash
# Builds Shotline's desktop bundle: the editor and the `shotline` command line
# frozen into one folder with PyInstaller, without torch (the AI engine is set
# up on first run by `shotline setup-ai`), packed as
#   dist/shotline-VERSION-linux-x86_64.tar.gz
# with a .desktop entry, an icon and install.sh (installs into ~/.local).
#
#   installers/build-bundle.sh            build (reuses build/bundle/venv)
#   installers/build-bundle.sh --clean    start from a new build environment
#
# The same script runs on the Windows and macOS runners of
# .github/workflows/bundle.yml, which then wrap the folder in an installer.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work="$root/build/bundle"
py=${PYTHON:-$(command -v python3 || command -v python)}

[ "${1:-}" = "--clean" ] && rm -rf "$work"
mkdir -p "$work" "$root/dist"

case "$(uname -s)" in
  Linux) os=linux; bin=bin ;;
  Darwin) os=macos; bin=bin ;;
  MINGW*|MSYS*|CYGWIN*) os=windows; bin=Scripts ;;
  *) echo "build-bundle: unknown system $(uname -s)" >&2; exit 1 ;;
esac
arch=$(uname -m)
[ "$arch" = "AMD64" ] && arch=x86_64

# A build environment with Shotline's own dependencies and nothing of the AI
# stack: what is not installed cannot end up in the bundle.
venv="$work/venv"
if [ ! -x "$venv/$bin/python" ]; then
  "$py" -m venv "$venv"
fi
vpy="$venv/$bin/python"
stamp="$venv/.shotline-bundle"
want=$(cat "$root/pyproject.toml" "$root/installers/build-bundle.sh" \
  | "$vpy" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  "$vpy" -m pip install --disable-pip-version-check -q "$root" "pyinstaller>=6.10,<7"
  echo "$want" > "$stamp"
fi
version=$("$vpy" -c 'import engine; print(engine.__version__)')

"$vpy" "$root/installers/bundle/make_icon.py" "$work/icons"
export SHOTLINE_ROOT="$root" SHOTLINE_ICONS="$work/icons" SHOTLINE_VERSION="$version"
"$vpy" -m PyInstaller --noconfirm --log-level WARN \
  --workpath "$work/pyinstaller" --distpath "$work/dist" \
  "$root/installers/bundle/shotline.spec"

if [ "$os" != linux ]; then
  # Windows and macOS wrap $work/dist in their own installer (see bundle.yml).
  echo "build-bundle: $work/dist"
  exit 0
fi

# The folder users unpack: the frozen app, its icon, desktop entry and installer.
name="shotline-$version-$os-$arch"
stage="$work/$name"
rm -rf "$stage"
mkdir -p "$stage"
cp -a "$work/dist/shotline/." "$stage/"
cp "$work/icons/shotline.png" "$stage/shotline.png"
cp "$root/installers/bundle/shotline.desktop" "$root/installers/bundle/shotline-otio.xml" "$stage/"
install -m 755 "$root/installers/bundle/install.sh" "$stage/install.sh"

out="$root/dist/$name.tar.gz"
tar -C "$work" -czf "$out.partial" "$name"
mv "$out.partial" "$out"
echo "build-bundle: $out ($(du -sh "$stage" | cut -f1) unpacked, $(du -h "$out" | cut -f1) packed)"
