"""Several inputs per stage command: one document each, uniquely named; a bad input fails alone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from speechkit.inputs.expand import unique_names
from speechkit.schema import Document

SPEECHKIT = str(Path(sys.executable).parent / "speechkit")


def speechkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SPEECHKIT, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_inputs_sharing_a_name_get_distinct_outputs() -> None:
    names = unique_names(["a/talk.wav", "b/talk.wav", "c/other.flac", "d/talk.transcribe.json"])
    assert names["c/other.flac"] == "other"
    talks = [names[k] for k in ("a/talk.wav", "b/talk.wav", "d/talk.transcribe.json")]
    assert len(set(talks)) == 3 and all(n.startswith("talk-") for n in talks)


def test_one_output_file_for_several_inputs_is_refused_before_any_work(data_dir: Path, tmp_path: Path) -> None:
    proc = speechkit("summarize", str(data_dir / "jfk.flac"), str(data_dir / "sample.wav"), "-o", "x.json", cwd=tmp_path)
    assert proc.returncode == 2 and "--output names one file but 2 inputs were given" in proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_input_is_one_line_never_the_current_directory(data_dir: Path, tmp_path: Path, empty: str) -> None:
    """An unset shell variable (``speechkit transcribe "$FILE"``) must not transcribe everything under the cwd."""
    shutil.copy(data_dir / "jfk.flac", tmp_path / "jfk.flac")
    for command in (["transcribe", empty], ["transcribe", str(tmp_path / "jfk.flac"), empty],
                    ["run", "meeting", "--input", empty]):
        proc = speechkit(*command, cwd=tmp_path)
        assert proc.returncode != 0 and proc.stdout == "", command
        assert proc.stderr.strip().splitlines() == [f"speechkit: error: {empty!r}: an empty input names no file "
                                                    "(an unset variable?)"], command
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jfk.flac"], "nothing written, nothing processed"


@pytest.mark.slow
def test_three_inputs_give_three_documents_and_a_corrupt_one_fails_alone(data_dir: Path, tmp_path: Path) -> None:
    kathleen = sorted((data_dir / "english" / "kathleen").glob("*.flac"))[:2]
    for i, path in enumerate(kathleen):
        shutil.copy(path, tmp_path / f"utt{i}.flac")
    (tmp_path / "broken.flac").write_bytes(b"fLaC" + b"\0" * 400)
    proc = speechkit("transcribe", "utt0.flac", "broken.flac", "utt1.flac", "--model", "tiny.en", "-d", "out", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("speechkit: error:")]
    assert len(errors) == 1 and "broken.flac" in errors[0], proc.stderr
    assert "transcribe: 2 of 3 inputs done; failed: broken.flac" in proc.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["utt0.transcribe.json", "utt1.transcribe.json"]
    for i, path in enumerate(kathleen):
        words = Document.load(tmp_path / "out" / f"utt{i}.transcribe.json").text.lower()
        reference = path.with_suffix(".txt").read_text().lower().split()
        assert sum(w.strip(".,") in reference for w in words.split()) >= len(reference) // 2, words


def test_output_formats_are_checked_before_any_work_and_all_means_every_one(data_dir: Path, tmp_path: Path) -> None:
    from speechkit.cli.export import ALL, parse_formats

    assert parse_formats(["all"]) == list(ALL) and parse_formats(["srt,vtt", "srt"]) == ["srt", "vtt"]
    proc = speechkit("transcribe", str(data_dir / "jfk.flac"), "-f", "srt,docx", "-d", "out", cwd=tmp_path)
    assert proc.returncode == 2 and "unknown format(s) docx" in proc.stderr and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_transcribe_writes_the_asked_formats_beside_its_document(data_dir: Path, tmp_path: Path) -> None:
    proc = speechkit("transcribe", str(data_dir / "jfk.flac"), "--output_format", "srt,txt", "-d", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["jfk.srt", "jfk.transcribe.json", "jfk.txt"]
    assert "country" in (tmp_path / "out" / "jfk.txt").read_text()
