"""The generation dialogs fit a laptop screen however long the engine's reasons for a backend are.

A backend that is not ready is listed with why (a package to install, a
model to download, no GPU); a combo box sized to that text made Score Music
and Extend Shot nearly 1000 pixels wide. Each dialog is filled with the
same long reasons and must stay readable: a bounded width, the whole text of
every backend in its tooltip, and an open list wide enough to read it.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog

from editor.generate.dialog import RegenerateDialog
from editor.generate.extend_dialog import ExtendDialog
from editor.generate.new_shot_dialog import GenerateShotDialog
from editor.generate.score_dialog import ScoreDialog
from editor.generate.voice_dialog import VoiceDialog
from editor.masks.inpaint import InpaintDialog

MAX_WIDTH = 640  # a dialog of this width sits well inside a 1366-pixel laptop screen
REASON = "needs the optional 'diffusers' and 'torch' packages and a 5.2 GB model download (shotline models)"
BACKENDS = [
    {"name": "plain", "label": "Built-in (no AI model)", "ready": True, "default": True},
    {"name": "big", "label": "A large video diffusion model on the GPU", "ready": False, "reason": REASON},
]

DIALOGS = [RegenerateDialog, GenerateShotDialog, ExtendDialog, ScoreDialog, VoiceDialog, InpaintDialog]


@pytest.mark.parametrize("kind", DIALOGS, ids=lambda k: k.__name__)
def test_a_long_reason_neither_widens_the_dialog_nor_is_lost(qtbot, kind: type[QDialog]) -> None:
    dialog = kind()
    qtbot.addWidget(dialog)
    dialog.set_backends(BACKENDS)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= MAX_WIDTH, f"{kind.__name__} is {dialog.width()} pixels wide"
    box: QComboBox = dialog.backend
    texts = [box.itemText(r) for r in range(box.count())]
    slow = next(r for r, t in enumerate(texts) if "large video" in t)
    tip = box.itemData(slow, Qt.ItemDataRole.ToolTipRole)
    assert REASON in texts[slow] or REASON in tip, "the reason is still there to read"
    wanted = box.view().fontMetrics().horizontalAdvance(texts[slow])
    screen = box.screen().availableGeometry().width()
    assert box.view().minimumWidth() >= min(wanted, round(screen * 0.9)), "the open list reads whole"
    assert box.toolTip() == box.currentText()
