"""Bad input through the real ``speechkit`` command: one line naming the file and the problem, a non-zero
exit, the input's bytes unchanged and nothing left in the output directory. Silence is not an error:
it gives an empty transcript, never hallucinated text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

from speechkit.media.audio import sha256

SPEECHKIT = str(Path(sys.executable).parent / "speechkit")


def transcribe(path: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([SPEECHKIT, "transcribe", str(path), "--output-dir", str(out), *extra],
                          capture_output=True, text=True, timeout=300, cwd=out.parent)


def _video_only(path: Path) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width = stream.height = 64
        stream.pix_fmt = "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 20, np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _image(path: Path) -> None:
    with av.open(str(path), "w", format="image2") as container:
        stream = container.add_stream("png", rate=1)
        stream.width = stream.height = 32
        stream.pix_fmt = "rgb24"
        frame = av.VideoFrame.from_ndarray(np.random.default_rng(0).integers(0, 255, (32, 32, 3), np.uint8),
                                           format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode()]:
            container.mux(packet)


def _half_of(source: Path, path: Path) -> None:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def make_bad_input(kind: str, tmp_path: Path, data_dir: Path) -> Path:
    path = tmp_path / {"zero_length": "header_only.wav", "empty": "empty.wav", "truncated_flac": "cut.flac",
                       "random_bytes": "random.wav", "text": "notes.txt", "text_as_mp3": "notes.mp3",
                       "video_only": "video.mp4", "image": "picture.png"}[kind]
    if kind == "zero_length":
        sf.write(path, np.zeros(0, np.float32), 16000)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated_flac":
        _half_of(data_dir / "jfk.flac", path)
    elif kind == "random_bytes":
        path.write_bytes(np.random.default_rng(0).bytes(4096))
    elif kind in ("text", "text_as_mp3"):
        path.write_text("Meeting notes: nothing here is audio.\n" * 10)
    elif kind == "video_only":
        _video_only(path)
    elif kind == "image":
        _image(path)
    return path


BAD = {
    "empty": "empty file (0 bytes)",
    "zero_length": "contains no audio samples (zero-length audio)",
    "truncated_flac": "corrupt or truncated audio, decoding failed after",
    "random_bytes": "not a decodable audio or video file",
    "text": "not a decodable audio or video file",
    "text_as_mp3": "not a decodable audio or video file",
    "video_only": "contains no audio stream",
    "image": "contains no audio stream",
}


def assert_clean_failure(result: subprocess.CompletedProcess, path: Path, problem: str, out: Path) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("speechkit: error: ") and path.name in lines[0] and problem in lines[0], lines[0]
    assert not out.exists() or not any(out.iterdir()), "no output, partial or whole, may be left"
    assert result.stdout == ""


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_audio_fails_with_one_line_naming_file_and_problem(kind, tmp_path, data_dir):
    path = make_bad_input(kind, tmp_path, data_dir)
    before = path.read_bytes()
    out = tmp_path / "out"
    assert_clean_failure(transcribe(path, out), path, BAD[kind], out)
    assert path.read_bytes() == before, "the input must be left untouched"


def test_missing_file(tmp_path):
    out = tmp_path / "out"
    result = transcribe(tmp_path / "nowhere.wav", out)
    assert_clean_failure(result, tmp_path / "nowhere.wav", "no such file", out)


def test_truncated_mp3_is_caught_by_its_declared_duration(tmp_path, data_dir):
    from imageio_ffmpeg import get_ffmpeg_exe

    whole = tmp_path / "whole.mp3"
    subprocess.run([get_ffmpeg_exe(), "-loglevel", "error", "-i", str(data_dir / "jfk.flac"), str(whole)], check=True)
    cut = tmp_path / "cut.mp3"
    _half_of(whole, cut)
    out = tmp_path / "out"
    assert_clean_failure(transcribe(cut, out), cut, "truncated audio: the header declares 11.0 s", out)


@pytest.mark.parametrize("channel, problem", [
    ("right", "channel 'right' does not exist (the file has 1 channel(s))"),
    ("3", "channel '3' does not exist"),
    ("centre", "unknown channel 'centre' (use left, right, mix or an index)"),
])
def test_bad_channel(channel, problem, tmp_path, data_dir):
    mono = tmp_path / "mono.wav"
    sf.write(mono, sf.read(data_dir / "jfk.flac")[0][:, 0], 44100)
    before = sha256(mono)
    out = tmp_path / "out"
    assert_clean_failure(transcribe(mono, out, "--channel", channel), mono, problem, out)
    assert sha256(mono) == before


def test_silence_gives_an_empty_transcript_not_hallucinated_text(tmp_path):
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros(16000 * 5, np.float32), 16000)
    before = sha256(silence)
    out = tmp_path / "out"
    result = transcribe(silence, out)
    assert result.returncode == 0, result.stderr
    written = Path(result.stdout.strip())
    assert written == out / "silence.transcribe.json"
    doc = json.loads(written.read_text())
    assert doc["segments"] == [] and doc["word_segments"] == []
    assert "audio is silent: nothing decoded" in doc["provenance"][-1]["notes"]
    assert sha256(silence) == before
    assert sorted(p.name for p in out.iterdir()) == ["silence.transcribe.json"], "no temporary files left"


def test_output_that_would_overwrite_the_input_is_refused(tmp_path):
    silence = tmp_path / "talk.wav"
    sf.write(silence, np.zeros(16000, np.float32), 16000)
    before = silence.read_bytes()
    result = subprocess.run([SPEECHKIT, "transcribe", str(silence), "-o", str(silence)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "refusing to overwrite the input file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert silence.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.wav"]
