"""The labels over a trim's two-up: drawn by the picture widget on a dark box over each half, and
gone as soon as an ordinary frame is shown."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFontMetricsF, QImage

from editor.viewer.edit_labels import label_font, label_rects
from editor.viewer.picture import PictureView

LABELS = ("Out 00:00:02:11", "In 00:00:02:12")


def white_two_up() -> QImage:
    image = QImage(130, 36, QImage.Format.Format_RGB888)
    image.fill(QColor("#ffffff"))  # the brightest picture there is: the text must still read
    return image


def test_each_half_of_a_bright_two_up_gets_its_label_on_a_dark_box(qtbot) -> None:
    picture = PictureView()
    qtbot.addWidget(picture)
    picture.resize(520, 144)  # the two-up's shape, so it fills the widget
    picture.show_frame(40, white_two_up(), LABELS)
    assert picture.edit_labels == LABELS
    shot = picture.grab().toImage()
    area = picture.picture_rect()
    rects = label_rects(area, LABELS, QFontMetricsF(label_font(area, picture.font())))
    left, right = rects
    assert left.right() < picture.width() / 2 < right.left()  # one over each half
    for rect in rects:
        corner = shot.pixelColor(round(rect.left()) + 1, round(rect.bottom()) - 1)
        assert corner.lightness() < 80  # the dark box behind the text
        inside = [
            shot.pixelColor(x, y).lightness()
            for x in range(round(rect.left()), round(rect.right()))
            for y in range(round(rect.top()), round(rect.bottom()))
        ]
        assert max(inside) > 200  # and light text on it
    # an ordinary frame (the playhead's, after the drag) has no labels and none are drawn
    picture.show_frame(3, white_two_up())
    assert picture.edit_labels == ()
    shot = picture.grab().toImage()
    left = rects[0]
    assert shot.pixelColor(round(left.left()) + 1, round(left.bottom()) - 1).lightness() > 240
