"""Exports: speaker labels in every format, subtitle timestamps to the millisecond, WhisperX's conventions,
several formats at once, and an input never overwritten."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from whisperx.utils import WriteSRT, WriteTXT

from speechkit.export import FORMATS
from speechkit.export.rttm import parse_rttm
from speechkit.export.subtitles import timestamp
from speechkit.schema import Document, Segment
from tests.test_schema import full_document

SPEECHKIT = str(Path(sys.executable).parent / "speechkit")
WHISPERX_OPTIONS = {"max_line_width": None, "max_line_count": None, "highlight_words": False}


def unnamed() -> Document:
    """The full document with its speakers' names cleared, so text formats show the ids as WhisperX does."""
    doc = full_document()
    doc.speakers = [s.model_copy(update={"name": None}) for s in doc.speakers]
    return doc


def _whisperx(writer_class: type, doc: Document) -> str:
    """What WhisperX's own writer makes of the same segments (its segment-level path: no word lists)."""
    segments = [{"start": s.start, "end": s.end, "text": s.text, **({"speaker": s.speaker} if s.speaker else {})}
                for s in doc.segments]
    result = {"segments": segments, "language": doc.language}
    buffer = io.StringIO()
    writer_class(".").write_result(result, buffer, WHISPERX_OPTIONS)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_names_the_speakers(fmt):
    text = FORMATS[fmt](unnamed())
    assert "SPEAKER_00" in text and "SPEAKER_01" in text, f"{fmt} lost the speaker labels:\n{text}"


def test_formats_without_speakers_carry_no_labels():
    doc = unnamed()
    doc.segments = [s.model_copy(update={"speaker": None}) for s in doc.segments]
    assert "SPEAKER" not in FORMATS["srt"](doc) + FORMATS["vtt"](doc) + FORMATS["txt"](doc)
    assert FORMATS["tsv"](doc).splitlines()[0] == "start\tend\ttext"


@pytest.mark.parametrize("seconds, srt, vtt", [
    (0.0, "00:00:00,000", "00:00:00.000"),
    (1.2345, "00:00:01,234", "00:00:01.234"),
    (59.9996, "00:01:00,000", "00:01:00.000"),
    (3661.5, "01:01:01,500", "01:01:01.500"),
    (36000.042, "10:00:00,042", "10:00:00.042"),
    (-0.2, "00:00:00,000", "00:00:00.000"),
])
def test_subtitle_timestamps(seconds, srt, vtt):
    assert timestamp(seconds, ",") == srt and timestamp(seconds, ".") == vtt


def test_srt_and_vtt_cues_are_well_formed():
    doc = Document(segments=[Segment(start=3661.5, end=3663.25, text=" Hello there. ", speaker="SPEAKER_00"),
                             Segment(start=3663.3, end=3664.0, text="a --> b")])
    assert FORMATS["srt"](doc) == ("1\n01:01:01,500 --> 01:01:03,250\n[SPEAKER_00]: Hello there.\n\n"
                                   "2\n01:01:03,300 --> 01:01:04,000\na -> b\n")
    assert FORMATS["vtt"](doc) == ("WEBVTT\n\n01:01:01.500 --> 01:01:03.250\n[SPEAKER_00]: Hello there.\n\n"
                                   "01:01:03.300 --> 01:01:04.000\na -> b\n")


def test_long_cues_wrap_at_42_characters():
    doc = Document(segments=[Segment(start=0, end=5, text="word " * 30)])
    lines = FORMATS["srt"](doc).splitlines()[2:]
    assert len(lines) > 1 and all(len(line) <= 42 for line in lines)


def test_srt_and_txt_match_whisperx_writers():
    doc = unnamed()
    assert FORMATS["srt"](doc).rstrip() == _whisperx(WriteSRT, doc).rstrip()
    assert FORMATS["txt"](doc) == _whisperx(WriteTXT, doc)


def test_tsv_is_whisperx_milliseconds_with_a_speaker_column():
    rows = [line.split("\t") for line in FORMATS["tsv"](unnamed()).splitlines()]
    assert rows == [["start", "end", "speaker", "text"], ["500", "1200", "SPEAKER_00", "Ask not."],
                    ["2000", "3000", "SPEAKER_01", "1963"]]


def test_json_and_rttm_exports_read_back():
    doc = unnamed()
    assert Document.from_dict(json.loads(FORMATS["json"](doc))) == doc
    turns = parse_rttm(FORMATS["rttm"](doc))["talk"]
    assert [(t.start, t.end, t.speaker) for t in turns] == [(0.4, 1.3, "SPEAKER_00"), (1.9, 3.1, "SPEAKER_01")]


def export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SPEECHKIT, "export", *args], capture_output=True, text=True, timeout=120)


def test_several_formats_at_once(tmp_path):
    source = tmp_path / "talk.transcribe.json"
    source.write_text(unnamed().to_json())
    out = tmp_path / "out"
    result = export(str(source), "-f", "srt,vtt", "--format", "txt", "-f", "md", "-f", "srt", "-d", str(out))
    assert result.returncode == 0, result.stderr
    expected = [out / f"talk.{fmt}" for fmt in ("srt", "vtt", "txt", "md")]
    assert result.stdout.split() == [str(p) for p in expected]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in expected), "no temporary files left"
    for path in expected:
        assert path.read_text() == FORMATS[path.suffix[1:]](unnamed())


def test_export_refuses_to_overwrite_its_input(tmp_path):
    source = tmp_path / "talk.json"
    source.write_text(unnamed().to_json())
    before = source.read_bytes()
    result = export(str(source), "-f", "json", "-d", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"speechkit: error: {tmp_path / 'talk.json'}: refusing to overwrite the input file; choose another output path"]
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.json"]


def test_unknown_format_is_one_line_and_writes_nothing(tmp_path):
    source = tmp_path / "talk.json"
    source.write_text(unnamed().to_json())
    result = export(str(source), "-f", "srt,docx", "-d", str(tmp_path / "out"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "unknown format(s) docx" in result.stderr
    assert not (tmp_path / "out").exists()


def test_tsv_rows_and_markdown_lines_survive_hostile_text():
    from speechkit.export.text import to_markdown, to_tsv
    from speechkit.schema import Document, Segment, Source

    doc = Document(source=Source(kind="file", uri="x.wav", title="<script>alert(1)</script>"),
                   segments=[Segment(start=0.0, end=1.0, text="line one\nline\ttwo <b>bold</b>", speaker="A")])
    rows = to_tsv(doc).splitlines()
    assert len(rows) == 2 and rows[1].split("\t") == ["0", "1000", "A", "line one line two <b>bold</b>"]
    markdown = to_markdown(doc)
    assert "<script>" not in markdown and "<b>" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown and "line one line two &lt;b&gt;bold&lt;/b&gt;" in markdown


def test_export_html_writes_the_interactive_report(tmp_path):
    source = Path(__file__).resolve().parents[1] / "examples" / "report" / "sample.json"
    proc = subprocess.run([SPEECHKIT, "export", str(source), "-f", "html", "-d", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "sample.html").read_text()
    doc = Document.load(source)
    assert '<audio id="player"' in page and 'id="timeline"' in page
    assert doc.segments[0].words[0].word in page
