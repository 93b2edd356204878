"""Keep, mute or delete the sound a take was made with, from a clip's right-click menu.

The picture and its take sound are linked, so Delete on either removes both
(as with any linked pair); these entries act on the sound alone and work
from the picture or the sound clip. Muting is kept across take switches.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from editor.context import EditorContext
from engine.errors import ShotlineError
from engine.project import document, take_sound


def add_take_sound(menu: QMenu, context: EditorContext, ident: str) -> bool:
    """Add "Mute Take Sound" and "Delete Take Sound" when clip `ident` has a take sound; whether it did."""
    timeline = context.session.timeline
    try:
        track, clip = document.find_clip(timeline, ident)
    except ShotlineError:
        return False
    picture = (
        clip.metadata.get("shotline", {}).get(take_sound.TAKE_SOUND)
        if track.kind == document.AUDIO
        else ident
    )
    found = take_sound.sound_clip(timeline, str(picture)) if picture else None
    if found is None:
        return False
    muted = not found[1].enabled
    menu.addSeparator()
    mute = menu.addAction("Mute Take Sound")
    mute.setObjectName("clip-mute-take-sound")
    mute.setCheckable(True)
    mute.setChecked(muted)
    mute.setToolTip("Silence the sound the model made with this shot; it stays muted when switching takes")
    mute.triggered.connect(
        lambda _checked=False: context.session.apply(take_sound.mute_take_sound, ident, not muted)
    )
    delete = menu.addAction("Delete Take Sound")
    delete.setObjectName("clip-delete-take-sound")
    delete.setToolTip("Remove the sound the model made with this shot, keeping the picture")
    delete.triggered.connect(lambda: context.session.apply(take_sound.delete_take_sound, ident))
    return True
