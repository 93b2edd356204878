#!/usr/bin/env sh
# Installs this Shotline bundle for the current user, in ~/.local:
#   ~/.local/share/shotline/          the application (this folder, copied)
#   ~/.local/bin/shotline             the command (a link)
#   ~/.local/share/applications/      the menu entry, which opens .otio files
#   ~/.local/share/icons/hicolor/     the icon
# Nothing outside ~/.local is touched and nothing needs root.
#
#   ./install.sh              install (again: replaces the previous copy)
#   ./install.sh --uninstall  remove it (your projects and settings stay)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
app="$data/shotline"
bin="$HOME/.local/bin"
desktop="$data/applications/shotline.desktop"
icon="$data/icons/hicolor/256x256/apps/shotline.png"
mime="$data/mime/packages/shotline-otio.xml"

have() { command -v "$1" >/dev/null 2>&1; }

refresh() {
  have update-desktop-database && update-desktop-database -q "$data/applications" || true
  have update-mime-database && update-mime-database "$data/mime" >/dev/null 2>&1 || true
  have gtk-update-icon-cache && gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$app"
  rm -f "$bin/shotline" "$desktop" "$icon" "$mime"
  refresh
  echo "Shotline is removed. Your projects, settings and the AI engine's folder stay where they were."
  exit 0
fi

if [ "$here" != "$app" ]; then
  rm -rf "$app.new"
  mkdir -p "$(dirname "$app")"
  cp -a "$here" "$app.new"
  rm -rf "$app"
  mv "$app.new" "$app"
fi
mkdir -p "$bin" "$(dirname "$desktop")" "$(dirname "$icon")" "$(dirname "$mime")"
ln -sf "$app/shotline" "$bin/shotline"
cp "$app/shotline.png" "$icon"
sed "s|^Exec=shotline|Exec=\"$app/shotline\"|" "$app/shotline.desktop" > "$desktop"
cp "$app/shotline-otio.xml" "$mime"
refresh
if have xdg-mime; then
  xdg-mime default shotline.desktop application/x-otio 2>/dev/null || true
fi

echo "Shotline is installed: start it from the applications menu or run $bin/shotline"
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "($bin is not on your PATH: add it to run 'shotline' from a terminal)" ;;
esac
echo "To generate with AI models on this machine, run once: shotline setup-ai"
