"""Backends without weights, so the pipeline, batch and stress runners are tested in milliseconds.

They run through the real interface (options, the model cache, the run record, the audio store,
progress hooks); what they "recognise" is made up, so never read their text as a result.
``install(tmp_path, monkeypatch)`` registers them as a third party would, with an entry point, and
puts them on PYTHONPATH so spawned stress workers find them too.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import Field

from speechkit.media.audio import SAMPLE_RATE
from speechkit.models.cache import Loaded
from speechkit.registry import ENTRY_POINT_GROUP
from speechkit.schema import Document, Speaker, SpeakerTurn
from speechkit.segments import make_segment
from speechkit.stages.base import Backend
from speechkit.stages.run import Run
from speechkit.stages.transcribe.common import Decoded, Progress, WhisperOptions, WhisperTranscriber

ROOT = Path(__file__).resolve().parents[1]
LOADS: list[str] = []
"""Every model load of a fake in this process, by model name."""


class FakeTranscriber(WhisperTranscriber):
    """Hears ``text`` over the whole audio (words spread evenly), whatever the audio; silence still gives nothing."""

    name = "fake"

    class Options(WhisperOptions):
        text: str = Field("ask not what your country can do for you", description="what the fake hears")

    def load(self) -> Loaded:
        LOADS.append(self.options.model)
        return Loaded(object(), f"/fake/{self.options.model}", ("fake weights: plumbing only",))

    def decode(self, model: Any, samples: np.ndarray, progress: Progress, run: Run) -> Decoded:
        words = self.options.text.split()
        duration = samples.size / SAMPLE_RATE
        step = duration / len(words)
        timed = [{"word": w, "start": i * step, "end": (i + 1) * step} for i, w in enumerate(words)]
        progress(duration)
        return Decoded("en", 1.0, [make_segment(0.0, duration, " ".join(words), timed)])


class FakeDiarizer(Backend):
    """Two speakers taking turns, halves of the audio; reads the samples through the run like real backends."""

    stage = "diarize"
    name = "fake"

    def process(self, doc: Document, run: Run) -> Document:
        samples = run.samples(doc, "diarize")
        half = round(samples.size / SAMPLE_RATE / 2, 3)
        doc.diarization = [SpeakerTurn(start=0.0, end=half, speaker="SPEAKER_00"),
                           SpeakerTurn(start=half, end=2 * half, speaker="SPEAKER_01")]
        doc.speakers = [Speaker(id="SPEAKER_00", speech_seconds=half), Speaker(id="SPEAKER_01", speech_seconds=half)]
        for segment in doc.segments:
            segment.speaker = "SPEAKER_00" if segment.start < half else "SPEAKER_01"
        run.progress("diarize fake", 1, 1)
        return doc


class FakeAligner(Backend):
    """Keeps the words, reading the audio as an aligner does."""

    stage = "align"
    name = "fake"

    def process(self, doc: Document, run: Run) -> Document:
        run.samples(doc, "align")
        return doc


ENTRY_POINTS = {"transcribe.fake": "tests.fakes:FakeTranscriber", "diarize.fake": "tests.fakes:FakeDiarizer",
                "align.fake": "tests.fakes:FakeAligner"}


def install(where: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the fakes through a distribution's entry points in ``where`` (this process and its children)."""
    info = where / "speechkit_fakes-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: speechkit-fakes\nVersion: 0.1\n")
    lines = "\n".join(f"{name} = {target}" for name, target in ENTRY_POINTS.items())
    (info / "entry_points.txt").write_text(textwrap.dedent(f"[{ENTRY_POINT_GROUP}]\n{lines}\n"))
    monkeypatch.syspath_prepend(str(where))
    paths = [str(where), str(ROOT), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
