"""Readable subtitles: every cue within 2 lines of 42 characters and 7 s, one speaker, no word lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from speechkit.export.subtitles import CueLimits, cues, to_srt
from speechkit.schema import Document, Segment, Word

ROOT = Path(__file__).resolve().parents[1]


def long_segment() -> Document:
    """One 30-second, two-speaker segment as Whisper gives it, words timed."""
    words = [Word(word=f"word{i}", start=i * 0.5, end=i * 0.5 + 0.4, speaker="A" if i < 40 else "B") for i in range(60)]
    return Document(segments=[Segment(start=0.0, end=30.0, text=" ".join(w.word for w in words), words=words,
                                      speaker="A")])


def check_every_cue(srt: str, limits: CueLimits) -> int:
    blocks = [b.splitlines() for b in srt.strip().split("\n\n")]
    for number, timing, *lines in blocks:
        start, end = (sum(float(x) * m for x, m in zip(t.replace(",", ".").split(":"), (3600, 60, 1)))
                      for t in timing.split(" --> "))
        assert 1 <= len(lines) <= limits.max_line_count and all(len(line) <= limits.max_line_width for line in lines), lines
        assert end - start <= limits.max_cue_seconds + 1e-6 or len(" ".join(lines).split()) <= 2, (timing, lines)
        text = " ".join(lines)
        assert text.count("]: ") <= 1, "one speaker per cue"
    return len(blocks)


@pytest.mark.parametrize("limits", [CueLimits(), CueLimits(30, 1, 3.0)])
def test_a_long_two_speaker_segment_becomes_readable_cues(limits: CueLimits) -> None:
    doc = long_segment()
    check_every_cue(to_srt(doc, limits), limits)
    made = cues(doc, limits)
    assert [w for c in made for w in c.words] == [w.word for w in doc.segments[0].words], "no word lost or moved"
    assert [c.speaker for c in made if c.words[0] == "word40"] == ["B"], "a new cue at the speaker change"


def test_untimed_words_share_the_segment_time() -> None:
    doc = Document(segments=[Segment(start=10.0, end=30.0, text=" ".join(["hello"] * 40))])
    made = cues(doc)
    assert made[0].start == 10.0 and made[-1].end == pytest.approx(30.0) and len(made) > 2


def test_the_example_meeting_exports_within_the_limits() -> None:
    doc = Document.load(ROOT / "examples" / "report" / "sample.json")
    assert check_every_cue(to_srt(doc), CueLimits()) >= len([s for s in doc.segments if s.text.strip()])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sample.wav", "dev00.wav", "longform/kathleen_arctic_b0001-b0240.flac"])
def test_default_srt_of_real_recordings_keeps_every_cue_within_the_limits(data_dir: Path, name: str) -> None:
    import speechkit

    doc = speechkit.transcribe(data_dir / name, model="tiny.en")
    assert check_every_cue(to_srt(doc), CueLimits()) > len(doc.segments) // 2


def test_speaker_names_show_in_every_text_export_and_ids_stay_in_json_and_rttm(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = ROOT / "examples" / "report" / "sample.json"
    ids = [s.id for s in Document.load(source).speakers]
    names = ",".join(f"{sid}=Person {i}" for i, sid in enumerate(ids))
    speechkit = str(Path(sys.executable).parent / "speechkit")
    proc = subprocess.run([speechkit, "export", str(source), "-f", "srt,vtt,txt,tsv,md,json,rttm", "--speaker-names", names,
                           "-d", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for fmt in ("srt", "vtt", "txt", "tsv", "md"):
        text = (tmp_path / f"sample.{fmt}").read_text()
        assert "Person 0" in text and "Person 1" in text and ids[0] not in text, fmt
    assert ids[0] in (tmp_path / "sample.rttm").read_text()
    assert [s.name for s in Document.load(tmp_path / "sample.json").speakers] == ["Person 0", "Person 1"]
    bad = subprocess.run([speechkit, "export", str(source), "--speaker-names", "SPEAKER_09=X", "-d", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.strip().startswith("speechkit: error: no speaker SPEAKER_09 in this document")
