"""Speech that produced no words is re-decoded once, and what stays without words is named (notes and log)."""

from __future__ import annotations

import importlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import speechkit
from speechkit.metrics.attribution import ReferenceTurn
from speechkit.metrics.dropped import dropped_share, dropped_words
from speechkit.models.cache import Loaded
from speechkit.segments import make_segment
from speechkit.stages.run import Run
from speechkit.stages.transcribe.common import Decoded, Progress, WhisperOptions, WhisperTranscriber
from speechkit.stages.transcribe.coverage import MIN_SPEECH_SECONDS, uncovered

ROOT = Path(__file__).resolve().parents[1]


class Deaf(WhisperTranscriber):
    """Hears nothing at first; on the coverage check's second try, ``again`` words (none by default)."""

    name = "deaf"
    Options = WhisperOptions
    again: str = ""

    def load(self) -> Loaded:
        return Loaded(object(), "/fake/deaf")

    def decode(self, model: Any, samples: np.ndarray, progress: Progress, run: Run) -> Decoded:
        return Decoded("en", 1.0, [])

    def redecode(self, model: Any, samples: np.ndarray, run: Run) -> list:
        words = self.again.split()
        step = samples.size / 16000 / max(len(words), 1)
        return [make_segment(0.0, samples.size / 16000, self.again,
                             [{"word": w, "start": i * step, "end": (i + 1) * step} for i, w in enumerate(words)])
                ] if words else []


class Recovers(Deaf):
    again = "ask not what your country can do for you"


def test_speech_no_word_comes_near_is_found_whole_or_in_part():
    speech = [(0.0, 2.5), (3.4, 6.1), (7.4, 10.6), (20.0, 20.5)]
    spans = uncovered(speech, [(0.0, 2.3), (5.9, 6.6), (7.3, 10.5)])
    assert [(s.start, s.end) for s in spans] == [pytest.approx((3.4, 5.4), abs=0.02)], \
        "the part of a stretch before the word that ends it"
    joined = uncovered([(0.0, 4.0), (5.0, 9.0), (30.0, 31.5)], [])
    assert [(s.start, s.end, s.speech) for s in joined] == [(0.0, 9.0, 8.0), (30.0, 31.5, 1.5)], \
        "stretches only silence apart are decoded together"
    assert uncovered([(1.0, 1.0 + MIN_SPEECH_SECONDS / 2)], []) == [], "a cough is not a lost turn"
    assert uncovered(speech, [(0.0, 2.3), (3.4, 6.0), (7.3, 10.5)]) == []


def test_speech_that_cannot_be_decoded_is_named_in_the_notes_and_the_log(data_dir, caplog):
    with caplog.at_level(logging.WARNING, logger="speechkit"):
        doc = Deaf()(speechkit.read(data_dir / "jfk.flac"))
    notes = doc.provenance[-1].notes
    lost = [n for n in notes if "of detected speech produced no words:" in n]
    assert doc.segments == [] and len(lost) == 1, notes
    first, last = (float(x) for x in lost[0].rsplit(": ", 1)[1].split(",")[0].removesuffix(" s").split("-"))
    assert first < 1.0 and last > 9.0, "jfk.flac is speech from 0.3 to 10.5 s"
    assert any(lost[0] in r.getMessage() and "jfk.flac" in r.getMessage() for r in caplog.records), caplog.text


def test_speech_without_words_is_decoded_again_and_kept(data_dir, caplog):
    with caplog.at_level(logging.WARNING, logger="speechkit"):
        doc = Recovers()(speechkit.read(data_dir / "jfk.flac"))
    assert doc.text.strip() == Recovers.again
    assert doc.segments[0].words[0].start > 0.0, "re-decoded words are placed at their time in the recording"
    notes = doc.provenance[-1].notes
    assert any("re-decoded sequentially, words found in 1" in n for n in notes), notes
    assert not any("produced no words" in n for n in notes) and not caplog.records


@pytest.mark.slow
def test_a_turn_batched_decoding_dropped_is_kept(tmp_path):
    """Seed 3's conversation (2-4 min, 4 real speakers): faster-whisper's batched pipeline returns no word
    for 33-58 s (13 % of the reference words: jfk.flac said three times), the meeting default now keeps it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    conversations = importlib.import_module("conversations")
    audio, turns = conversations.build(3, (2.0, 4.0))
    path = conversations.write(tmp_path, 3, audio, turns)
    reference = [ReferenceTurn(**t) for t in json.loads(path.with_suffix(".json").read_text())["turns"] if t["text"]]
    lost = [t for t in reference if 25 < t.start < 58]
    assert [t.speaker for t in lost] == ["jfk"] * 3

    from faster_whisper import BatchedInferencePipeline

    stage = speechkit.load("transcribe", "faster-whisper", model="base", language="en")  # the meeting config's
    raw, _ = BatchedInferencePipeline(stage.loaded_model(Run()).model).transcribe(
        audio, language="en", word_timestamps=True, batch_size=8)
    raw_words = [speechkit.schema.Word(word=w.word, start=w.start, end=w.end) for s in raw for w in s.words]
    assert len(dropped_words(lost, raw_words)) > 40, "the failure this guards against is still there upstream"

    doc = stage(speechkit.read(path))
    words = [w for s in doc.segments for w in s.words]
    assert dropped_words(lost, words) == [] and dropped_share(reference, words) < 0.01
    assert any("re-decoded sequentially" in n for n in doc.provenance[-1].notes)
