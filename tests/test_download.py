"""yt-dlp downloads from a real local web site (127.0.0.1): audio, metadata, playlists, resume, errors."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from speechkit.errors import SpeechkitError
from speechkit.inputs.urls import download
from speechkit.schema import Document

SPEECHKIT = [str(Path(sys.executable).parent / "speechkit")]


def fetch(url: str, out: Path) -> list[Document]:
    return list(download(url, out))


def test_page_with_video_gives_audio_and_metadata(site, tmp_path):
    [doc] = fetch(site.url("page.html"), tmp_path)
    assert doc.source.kind == "url"
    assert doc.source.uri == site.url("page.html")
    assert doc.source.webpage_url == site.url("page.html")
    assert doc.source.title.startswith("Diane and Sheila")
    assert doc.source.metadata["media_url"] == site.url("talk.mp4")
    media = Path(doc.audio.path)
    assert media.parent == tmp_path.resolve() and media.suffix == ".m4a", "audio extracted, video dropped"
    assert not list(tmp_path.glob("*.mp4"))
    assert doc.audio.duration == pytest.approx(30.0, abs=0.2)
    assert doc.source.duration == pytest.approx(30.0, abs=0.2)
    assert doc.provenance[-1].stage == "download" and doc.provenance[-1].backend == "yt-dlp"


def test_chapters_and_tags_from_the_media_file(site, tmp_path):
    [doc] = fetch(site.url("chaptered.mp4"), tmp_path)
    assert doc.source.title == "Two callers"
    assert doc.source.uploader == "Pyannote sample"
    assert [(c.title, c.start, c.end) for c in doc.source.chapters] == [("Greetings", 0.0, 14.0), ("Chicago", 14.0, 30.0)]


def test_title_cannot_escape_the_output_directory(site, tmp_path):
    out = tmp_path / "downloads"
    [doc] = fetch(site.url("evil.html"), out)
    assert "passwd" in doc.source.title and "../" in doc.source.title
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert files and all(p.parent == out for p in files)
    assert all(not p.name.startswith(".") and "/" not in p.name for p in files)


def test_playlist_gives_one_document_per_item_with_unique_files(site, tmp_path):
    docs = fetch(site.url("playlist.html"), tmp_path)
    assert [d.source.metadata["playlist_index"] for d in docs] == [1, 2]
    assert {d.source.metadata["media_url"] for d in docs} == {site.url("talk.mp4"), site.url("talk2.mp4")}
    assert len({d.audio.path for d in docs}) == 2
    assert all(d.audio.duration == pytest.approx(30.0, abs=0.2) for d in docs)


def test_same_media_id_on_two_pages_does_not_collide(site, tmp_path):
    [a] = fetch(site.url("talk.mp4"), tmp_path)
    [b] = fetch(site.url("talk.mp4?copy=2"), tmp_path)
    assert a.audio.path != b.audio.path


def test_second_download_is_skipped_when_info_matches(site, tmp_path):
    [first] = fetch(site.url("talk2.mp4"), tmp_path)
    before = [r for r in site.requests if r[0] == "/talk2.mp4"]
    mtime = Path(first.audio.path).stat().st_mtime_ns
    [again] = fetch(site.url("talk2.mp4"), tmp_path)
    assert again.audio.path == first.audio.path
    assert "already downloaded: skipped" in again.provenance[-1].notes
    assert Path(again.audio.path).stat().st_mtime_ns == mtime
    # the page is looked at again (has it changed?), but the media is not transferred again
    assert len([r for r in site.requests if r[0] == "/talk2.mp4"]) - len(before) <= 2


def test_interrupted_transfer_resumes_with_a_range_request(site, tmp_path):
    with pytest.raises(SpeechkitError, match="transfer broke off; run again to resume"):
        fetch(site.url("flaky.mp4"), tmp_path)
    [part] = tmp_path.glob("*.part")
    kept = part.stat().st_size
    assert kept > 0
    [doc] = fetch(site.url("flaky.mp4"), tmp_path)
    ranges = [r for path, r in site.requests if path == "/flaky.mp4" and r]
    assert f"bytes={kept}-" in ranges, "the second run asked only for the rest of the file"
    assert doc.audio.duration == pytest.approx(30.0, abs=0.2)
    assert not list(tmp_path.glob("*.part"))


def test_a_partial_download_untouched_for_a_week_is_removed_by_the_next_download(site, tmp_path):
    import os
    import time

    old, recent = tmp_path / "gone-abc-123.m4a.part", tmp_path / "resumable-def-456.m4a.part"
    for path in (old, recent):
        path.write_bytes(b"\0" * 1000)
    week = time.time() - 8 * 24 * 3600
    os.utime(old, (week, week))
    [doc] = fetch(site.url("talk.mp4"), tmp_path)
    assert not old.exists() and recent.exists(), "only the abandoned partial goes; a recent one may be resumed"
    assert any("removed 1 abandoned partial download" in n and old.name in n for n in doc.provenance[-1].notes)
    assert doc.audio.duration == pytest.approx(30.0, abs=0.2)


@pytest.mark.parametrize("path, problem", [
    ("missing.mp4", "not found (HTTP 404)"),
    ("private/talk.mp4", "access denied (HTTP 403)"),
    ("nomedia.html", "unsupported URL: no audio or video found"),
])
def test_errors_name_the_url_and_the_problem(site, tmp_path, path, problem):
    with pytest.raises(SpeechkitError) as info:
        fetch(site.url(path), tmp_path)
    message = str(info.value)
    assert message.startswith(site.url(path)) and problem in message and "\n" not in message


@pytest.mark.parametrize("url, problem", [
    ("not a url", "not a valid URL"),
    ("ftp://example.org/x.mp3", "not a valid URL"),
    ("http://127.0.0.1:9/talk.mp4", "no network: connection refused"),
])
def test_bad_or_unreachable_urls(url, problem, tmp_path):
    with pytest.raises(SpeechkitError, match=problem):
        fetch(url, tmp_path)


def test_cli_downloads_a_playlist_and_reports_errors_in_one_line(site, tmp_path):
    done = subprocess.run([*SPEECHKIT, "download", site.url("playlist.html"), "-d", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    written = done.stdout.split()
    assert len(written) == 2 and all(p.endswith(".download.json") for p in written)
    docs = [Document.load(p) for p in written]
    assert all(Path(d.audio.path).is_file() for d in docs)
    assert json.loads(Path(written[0]).read_text())["source"]["metadata"]["playlist_count"] == 2

    failed = subprocess.run([*SPEECHKIT, "download", site.url("missing.mp4"), "-d", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert failed.returncode == 2
    assert failed.stderr.strip().splitlines()[-1] == (
        f"speechkit: error: {site.url('missing.mp4')}: not found (HTTP 404): the media was removed or the URL is wrong")


def test_a_stalled_transfer_ends_with_a_clear_error(site, tmp_path):
    started = time.monotonic()
    with pytest.raises(SpeechkitError, match=r"the transfer stalled: under 1024 bytes in 2 s"):
        list(download(site.url("trickle.mp4"), tmp_path, stall_timeout=2))
    assert time.monotonic() - started < 15


def test_an_endless_body_stops_at_the_size_cap_and_leaves_no_partial_file(site, tmp_path):
    with pytest.raises(SpeechkitError, match="larger than the 1,048,576-byte limit"):
        list(download(site.url("endless.mp4"), tmp_path, max_size=1 << 20))
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob("*.mp4"))


def test_cli_stall_is_one_line_and_exits_non_zero(site, tmp_path):
    proc = subprocess.run([*SPEECHKIT, "download", site.url("trickle.mp4"), "--stall-timeout", "2", "-d", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "stalled" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
