"""The viewer: the timeline (or a source file) at the playhead, its transport and playback."""

from editor.viewer.panel import ViewerPanel

__all__ = ["ViewerPanel"]
