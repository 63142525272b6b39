"""The intermediate document: lossless round trips, WhisperX's JSON as input, clear refusals, a valid JSON Schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from speechkit.errors import DocumentError
from speechkit.metrics.wer import wer
from speechkit.schema import (SCHEMA_VERSION, Audio, Chapter, ChapterSummary, Document, Provenance, Segment, Source,
                              Speaker, SpeakerTurn, Summary, Word)
from tests.conftest import JFK_TEXT

BIN = Path(sys.executable).parent


def full_document() -> Document:
    """Every part of the schema filled in, as after download, transcribe, align, diarize and summarize."""
    words = [Word(word="Ask", start=0.5, end=0.8, score=0.91, speaker="SPEAKER_00"),
             Word(word="not.", start=0.8, end=1.2, score=0.88, speaker="SPEAKER_00"),
             Word(word="1963", score=None, speaker="SPEAKER_01")]
    return Document(
        source=Source(kind="url", uri="http://127.0.0.1/talk.mp4", title="Talk", uploader="someone", duration=12.5,
                      chapters=[Chapter(start=0.0, end=6.0, title="Opening")], metadata={"extractor": "generic"}),
        audio=Audio(path="/tmp/talk.wav", sample_rate=16000, channels=2, duration=12.5, codec="pcm_s16le",
                    channel="left", sha256="ab" * 32),
        language="en", language_probability=0.97,
        segments=[Segment(start=0.5, end=1.2, text="Ask not.", words=words[:2], speaker="SPEAKER_00",
                          avg_logprob=-0.2, no_speech_prob=0.01),
                  Segment(start=2.0, end=3.0, text="1963", words=words[2:], speaker="SPEAKER_01")],
        diarization=[SpeakerTurn(start=0.4, end=1.3, speaker="SPEAKER_00"),
                     SpeakerTurn(start=1.9, end=3.1, speaker="SPEAKER_01")],
        speakers=[Speaker(id="SPEAKER_00", name="Ann", speech_seconds=0.9),
                  Speaker(id="SPEAKER_01", speech_seconds=1.2)],
        summary=Summary(overall="A short talk.", speakers={"SPEAKER_00": ["asks"]},
                        chapters=[ChapterSummary(start=0.0, end=6.0, title="Opening", summary="It opens.")]),
        provenance=[Provenance(stage="transcribe", backend="faster-whisper", model="tiny.en", model_path="/m",
                               parameters={"beam_size": 5}, versions={"speechkit": "0.1.0"},
                               started_at="2026-01-01T00:00:00+00:00", wall_time=1.5, real_time_factor=0.12,
                               notes=["a note"])],
    )


def test_round_trip_through_json_is_lossless(tmp_path):
    doc = full_document()
    path = tmp_path / "doc.json"
    path.write_text(doc.to_json())
    again = Document.load(path)
    assert again == doc
    assert again.to_json() == doc.to_json()
    assert [w.word for w in again.word_segments] == ["Ask", "not.", "1963"]
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_whisperx_aligned_and_diarized_json_reads_as_a_document(tmp_path):
    """The shape WhisperX writes after ``whisperx --diarize`` (words with score and speaker, an unaligned
    number without times, per-character extras, top-level word_segments)."""
    whisperx_output = {
        "segments": [
            {"start": 0.3, "end": 4.1, "text": " And so my fellow Americans,", "speaker": "SPEAKER_00",
             "words": [{"word": "And", "start": 0.3, "end": 0.5, "score": 0.8, "speaker": "SPEAKER_00"},
                       {"word": "so", "start": 0.6, "end": 0.9, "score": 0.7, "speaker": "SPEAKER_00"},
                       {"word": "1961,"}],
             "chars": [{"char": "A", "start": 0.3, "end": 0.35, "score": 0.9}]},
            {"start": 5.0, "end": 6.0, "text": " ask not", "speaker": "SPEAKER_01",
             "words": [{"word": "ask", "start": 5.0, "end": 5.4, "score": 0.9, "speaker": "SPEAKER_01"},
                       {"word": "not", "start": 5.5, "end": 6.0, "score": 0.6, "speaker": "SPEAKER_01"}]},
        ],
        "word_segments": [{"word": "And", "start": 0.3, "end": 0.5, "score": 0.8, "speaker": "SPEAKER_00"}],
        "language": "en",
    }
    path = tmp_path / "talk.json"
    path.write_text(json.dumps(whisperx_output, ensure_ascii=False))
    doc = Document.load(path)
    assert doc.schema_version == SCHEMA_VERSION and doc.language == "en"
    assert [s.speaker for s in doc.segments] == ["SPEAKER_00", "SPEAKER_01"]
    assert [sp.id for sp in doc.speakers] == ["SPEAKER_00", "SPEAKER_01"]
    assert [w.word for w in doc.word_segments] == ["And", "so", "1961,", "ask", "not"]
    unaligned = doc.segments[0].words[2]
    assert unaligned.start is None and unaligned.end is None
    assert doc.segments[1].words[1].score == 0.6


@pytest.mark.slow
def test_real_whisperx_cli_output_reads_as_a_document(tmp_path, data_dir):
    """Run the real ``whisperx`` command (offline: packaged VAD, local CTranslate2 tiny.en, no alignment)."""
    from imageio_ffmpeg import get_ffmpeg_exe
    from speechkit.models.resolve import resolve_whisper

    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "ffmpeg").symlink_to(get_ffmpeg_exe())  # whisperx's load_audio calls `ffmpeg`
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}", "HF_HUB_OFFLINE": "1"}
    out = tmp_path / "wx"
    subprocess.run([str(BIN / "whisperx"), str(data_dir / "jfk.flac"), "--model", str(resolve_whisper("tiny.en").path),
                    "--device", "cpu", "--compute_type", "int8", "--language", "en", "--no_align",
                    "--output_format", "json", "--output_dir", str(out)],
                   check=True, capture_output=True, env=env, timeout=300)
    doc = Document.load(out / "jfk.json")
    assert doc.language == "en" and doc.segments
    assert wer(JFK_TEXT, doc.text) <= 0.10
    assert all(s.avg_logprob is not None and s.end > s.start for s in doc.segments)


def test_unknown_major_version_is_refused_clearly(tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps({**json.loads(full_document().to_json()), "schema_version": "2.0"}))
    with pytest.raises(DocumentError, match=r"future\.json: schema version 2\.0 is not supported .*reads 1\.x"):
        Document.load(path)


def test_newer_minor_version_of_the_same_major_is_read(tmp_path):
    path = tmp_path / "minor.json"
    path.write_text(json.dumps({**json.loads(full_document().to_json()), "schema_version": "1.7"}))
    assert Document.load(path).segments == full_document().segments


def test_a_1_0_document_is_read_strictly_and_saved_as_the_current_version(tmp_path):
    old = json.loads(full_document().to_json())  # 1.0 had no per-segment language; this document has none
    assert SCHEMA_VERSION == "1.2" and all("language" not in s for s in old["segments"])
    path = tmp_path / "old.json"
    path.write_text(json.dumps({**old, "schema_version": "1.0"}))
    doc = Document.load(path)
    assert doc == full_document() and doc.schema_version == "1.2"
    assert json.loads(doc.to_json())["schema_version"] == "1.2", "a save writes this version's fields and says so"
    segments = [{**s, "language": "de"} for s in old["segments"]]
    assert Document.from_dict({**old, "schema_version": "1.1", "segments": segments}).segments[0].language == "de"
    assert Document.from_dict({**old, "schema_version": "1.7", "segments": [{**s, "emotion": "calm"} for s in segments]}
                              ).segments[0].language == "de", "a newer minor's unknown fields are left out"


def test_a_1_1_document_without_load_times_reads_and_a_1_2_one_keeps_them(tmp_path):
    old = json.loads(full_document().to_json())  # 1.1 had no Provenance.load_time; this document has none
    assert all("load_time" not in p for p in old["provenance"])
    path = tmp_path / "old.json"
    path.write_text(json.dumps({**old, "schema_version": "1.1"}))
    doc = Document.load(path)
    assert doc == full_document() and doc.schema_version == "1.2"
    record = doc.provenance[0]
    assert record.load_time is None and record.processing_time == 1.5 and record.processing_rtf == 0.12
    timed = [{**p, "load_time": 0.5} for p in old["provenance"]]
    path.write_text(json.dumps({**old, "schema_version": "1.2", "provenance": timed}))
    record = Document.load(path).provenance[0]
    assert record.load_time == 0.5 and record.processing_time == 1.0 and record.processing_rtf == 0.08
    assert json.loads(Document.load(path).to_json())["provenance"][0]["load_time"] == 0.5


@pytest.mark.parametrize("version", ["x", "1.x", "", "0.9"])
def test_what_is_not_a_1_x_version_is_refused(version):
    with pytest.raises(DocumentError, match=f"schema version {version} is not supported"):
        Document.from_dict({"schema_version": version, "segments": []})


@pytest.mark.parametrize("content, message", [
    ('{"schema_version": "1.0", "segments": [{"start": "soon", "end": 1, "text": "x"}]}',
     r"invalid document at 'segments\.0\.start'"),
    ('{"schema_version": "1.0", "segments": [{"start": 0, "end": 1, "text": "x", "colour": "red"}]}',
     r"invalid document at 'segments\.0\.colour'"),
    ('{"schema_version": "1.0", "segments": [', r"malformed JSON at line 1"),
    ('[1, 2, 3]', r"not a speechkit document \(top level is list"),
    ('{"title": "no segments"}', r"not a speechkit or WhisperX document"),
])
def test_invalid_content_fails_with_a_clear_document_error(content, message, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(DocumentError, match=message) as caught:
        Document.load(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_invalid_document_through_the_cli_is_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"schema_version": "9.1", "segments": []}')
    result = subprocess.run([str(BIN / "speechkit"), "export", str(path), "-f", "srt", "-d", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"speechkit: error: {path}: schema version 9.1 is not supported by this speechkit (reads 1.x); "
        "upgrade speechkit or re-run the stages"]
    assert not (tmp_path / "out").exists()


def test_schema_command_prints_a_valid_json_schema_that_documents_validate_against():
    result = subprocess.run([str(BIN / "speechkit"), "schema"], capture_output=True, text=True, timeout=120, check=True)
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(json.loads(full_document().to_json()))
    assert {"Word", "Segment", "Provenance", "Speaker", "Summary"} <= set(schema["$defs"])
    assert {"start", "end", "score", "speaker"} <= set(schema["$defs"]["Word"]["properties"])
    assert {"backend", "model", "parameters", "versions", "wall_time", "real_time_factor", "load_time"} <= set(
        schema["$defs"]["Provenance"]["properties"])
    bad = json.loads(full_document().to_json())
    bad["segments"][0]["words"][0]["start"] = "later"
    assert not validator.is_valid(bad)
