"""Proxies: the viewer decodes a small all-intra copy and sees the very frames of the original."""

from __future__ import annotations

import shutil
from fractions import Fraction

import pytest

from engine.errors import MediaError
from engine.media import proxies
from engine.media.proxy_maker import ProxyMaker
from engine.media.video import VideoDecoder, upright_rgb
from engine.playback.source import placements, source_timeline
from engine.project import edits
from engine.project.document import new_project
from engine.render.sources import Sources
from engine.render.video import Renderer, video_frame
from tests.support import mediagen


@pytest.fixture(autouse=True)
def data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def index_at(decoder: VideoDecoder, seconds: Fraction) -> int:
    return mediagen.read_index(upright_rgb(decoder.frame_at(seconds), decoder.rotation))


def test_a_phone_clip_s_proxy_shows_the_original_s_frame_at_every_time(tmp_path):
    phone = mediagen.write_video(
        tmp_path / "phone.mp4",
        40,
        size=(640, 360),
        rotation=90,
        gop=20,
        tone_hz=440,
        audio_start=Fraction(1, 10),
    )
    proxy = proxies.make(phone, 2)
    with VideoDecoder(phone) as original, proxies.open_video(phone, 2) as small:
        assert isinstance(small, proxies.ProxyDecoder)
        assert small.rotation == 0  # stored upright
        first = upright_rgb(small.frame_at(Fraction(0)), 0)
        assert first.shape == (320, 180, 3)  # half of the upright 360x640
        for i in [*range(0, 45, 3), 39, 20, 5, 0]:  # forward, past the end, then jumps back
            seconds = Fraction(i, 30)
            assert index_at(small, seconds) == index_at(original, seconds)
    assert proxy.path.stat().st_size > 0


def test_variable_frame_rate_footage_keeps_its_frame_times(tmp_path):
    stamps = [0, 1000, 2000, 4000, 5000, 9000, 10000, 11000]  # gaps, as a phone drops frames
    clip = mediagen.write_video(
        tmp_path / "vfr.mp4", len(stamps), size=(320, 240), pts=stamps, time_base=Fraction(1, 30000)
    )
    proxies.make(clip, 2)
    with VideoDecoder(clip) as original, proxies.open_video(clip, 2) as small:
        for tick in range(0, 12000, 500):
            seconds = Fraction(tick, 30000)
            assert index_at(small, seconds) == index_at(original, seconds)


def test_heavy_footage_is_named_for_a_proxy_and_light_footage_is_not(tmp_path):
    light = mediagen.write_video(tmp_path / "light.mp4", 20, size=(320, 180), gop=5)
    long_gop = mediagen.write_video(tmp_path / "camera.mp4", 40, size=(320, 180), gop=30)
    hevc = mediagen.write_video(
        tmp_path / "hevc.mp4", 10, size=(320, 180), codec="libx265", pix_fmt="yuv420p10le"
    )
    still = mediagen.write_image(tmp_path / "still.png")
    assert proxies.reason(light) is None
    assert proxies.reason(still) is None
    assert proxies.reason(long_gop) == "long-GOP (30 frames)"
    assert proxies.reason(hevc) == "10-bit"


def test_a_missing_or_damaged_proxy_plays_the_original_and_is_made_again(tmp_path):
    clip = mediagen.write_video(tmp_path / "clip.mp4", 20, size=(320, 180))
    proxy = proxies.make(clip, 4)
    proxy.path.write_bytes(proxy.path.read_bytes()[:200])  # cut short, as a full disk or a crash leaves it
    assert proxies.existing(clip, 4) is None
    with proxies.open_video(clip, 4) as decoder:
        assert not isinstance(decoder, proxies.ProxyDecoder)
        assert index_at(decoder, Fraction(7, 30)) == 7
    proxies.ensure(clip, 4)
    with proxies.open_video(clip, 4) as decoder:
        assert isinstance(decoder, proxies.ProxyDecoder)
        assert index_at(decoder, Fraction(7, 30)) == 7
    proxy.path.unlink()
    assert proxies.existing(clip, 4) is None


def test_a_relinked_file_finds_its_proxy_and_a_changed_file_does_not(tmp_path):
    clip = mediagen.write_video(tmp_path / "shot.mp4", 10, size=(320, 180))
    made = proxies.make(clip, 2)
    moved = tmp_path / "elsewhere" / "shot.mp4"
    moved.parent.mkdir()
    shutil.move(clip, moved)
    assert proxies.existing(moved, 2) == made
    mediagen.write_video(moved, 12, size=(320, 180))  # replaced by a new render under the same name
    assert proxies.existing(moved, 2) is None


def test_the_viewer_s_renderer_reads_proxies_and_export_s_reads_originals(tmp_path):
    clip = mediagen.write_video(tmp_path / "big.mp4", 30, size=(640, 360), gop=30)
    timeline = new_project("proxied", rate=30.0, size=(640, 360))
    edits.append(timeline, placements(source_timeline(clip, 30.0, (640, 360)), 0, 30))
    proxies.make(clip, 2)
    viewer = Renderer(Sources(open_video=lambda path: proxies.open_video(path, 2)))
    with viewer, Renderer() as export:
        for frame in (0, 17, 29, 3):
            small = video_frame(timeline, frame, (320, 180), renderer=viewer)
            assert mediagen.read_index(small) == frame
            assert mediagen.read_index(video_frame(timeline, frame, (320, 180), renderer=export)) == frame
        assert all(isinstance(d, proxies.ProxyDecoder) for d in viewer.sources._video.values())
        assert not any(isinstance(d, proxies.ProxyDecoder) for d in export.sources._video.values())


def test_disk_use_counts_proxies_and_clearing_frees_it(tmp_path):
    for name in ("a", "b"):
        proxies.make(mediagen.write_video(tmp_path / f"{name}.mp4", 10, size=(320, 180)), 2)
    count, used = proxies.disk_use()
    assert count == 2 and used > 0
    assert proxies.clear() == used
    assert proxies.disk_use() == (0, 0)


def test_a_file_that_is_not_video_is_refused_with_its_name(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("not a video")
    with pytest.raises(MediaError, match=r"notes\.mp4"):
        proxies.make(fake, 2)
    assert proxies.disk_use() == (0, 0)  # nothing half-made left behind


@pytest.mark.slow
def test_proxies_are_made_in_a_background_process_and_shared(tmp_path):
    clip = mediagen.write_video(tmp_path / "clip.mp4", 15, size=(320, 180))
    maker = ProxyMaker()
    try:
        first, again = maker.request(clip, 2), maker.request(clip, 2)
        assert first is again
        proxy = first.result(timeout=120)
        assert proxies.existing(clip, 2) == proxy
        assert maker.request(clip, 2).result(timeout=0) == proxy  # already made: answered at once
        assert maker.pending() == 0
    finally:
        maker.close()


def test_a_proxy_that_fell_behind_jumps_to_the_frame_instead_of_decoding_the_way(tmp_path):
    clip = mediagen.write_video(tmp_path / "clip.mp4", 60, size=(320, 180), gop=60)
    proxies.make(clip, 2)
    with proxies.open_video(clip, 2) as small:
        assert index_at(small, Fraction(2, 30)) == 2
        seeks = small.seeks
        assert index_at(small, Fraction(3, 30)) == 3  # the next frame: decoded on
        assert small.seeks == seeks
        assert index_at(small, Fraction(40, 30)) == 40  # a second on: one keyframe, sought
        assert small.seeks == seeks + 1


def test_auto_size_makes_quarter_size_proxies_of_footage_above_hd_and_half_size_of_the_rest(tmp_path):
    uhd = mediagen.write_video(tmp_path / "uhd.mp4", 3, size=(2560, 1440))
    hd = mediagen.write_video(tmp_path / "hd.mp4", 3, size=(1280, 720), gop=30)
    assert proxies.make(uhd, proxies.AUTO).divisor == 4
    assert proxies.make(hd, proxies.AUTO).divisor == 2
    assert proxies.existing(uhd, proxies.AUTO) == proxies.existing(uhd, 4)
    assert proxies.existing(hd, 4) is None
    with proxies.open_video(uhd, proxies.AUTO) as small:
        assert upright_rgb(small.frame_at(Fraction(0)), 0).shape == (360, 640, 3)


def test_auto_size_probes_a_file_once_not_at_every_cut(tmp_path, monkeypatch):
    """The viewer opens a decoder at every cut; probing 4K HEVC there stalled playback 130 ms."""
    uhd = mediagen.write_video(tmp_path / "uhd.mp4", 3, size=(2560, 1440))
    proxies.make(uhd, proxies.AUTO)
    probed = []
    real_probe = proxies.probe
    monkeypatch.setattr(proxies, "probe", lambda path: probed.append(path) or real_probe(path))
    for _cut in range(3):
        with proxies.open_video(uhd, proxies.AUTO) as decoder:
            assert isinstance(decoder, proxies.ProxyDecoder)
    assert len(probed) <= 1
    mediagen.write_video(uhd, 3, size=(1280, 720))  # replaced by footage of another size
    assert proxies.resolve(uhd, proxies.AUTO) == 2  # a changed file is probed again
