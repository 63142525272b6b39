"""What every transcription backend shares: the audio it reads, silence, and the document it builds."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from speechkit.media.audible import Audible, audible, raised_note
from speechkit.media.audio import SAMPLE_RATE
from speechkit.models import DEFAULT_WHISPER
from speechkit.schema import Document, Segment
from speechkit.stages.base import Backend, BackendOptions, ThreadOptions
from speechkit.stages.run import Run
from speechkit.media.samples import quiet_cuts
from speechkit.segments import shifted
from speechkit.stages.transcribe.coverage import Span, cover, coverage_notes
from speechkit.stages.transcribe.languages import MULTILINGUAL_DEFAULT, english_only, needs_multilingual, warn_if_not_english
from speechkit.stages.transcribe.repair import repair
from speechkit.runtime.threads import MAX_THREADS, ctranslate2_threads


BLOCK_SECONDS = 600.0
"""Ten minutes of 16 kHz float32 is 38 MB: peak memory stays flat however long the recording."""


def pick_device(device: str) -> str:
    """``auto`` is the GPU when CTranslate2 (built with CUDA, as torch's wheels are) sees one, else the CPU."""
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


class WhisperOptions(BackendOptions):
    """What every Whisper backend takes."""

    model: str = Field(DEFAULT_WHISPER, description=(
        f"size name (tiny.en, base, ...), local model directory or hub id; default {DEFAULT_WHISPER}, or "
        f"{MULTILINGUAL_DEFAULT} when a language other than en, translation or --multilingual is asked for"))
    language: str | None = Field(None, description="language code; detected when omitted")
    task: Literal["transcribe", "translate"] = Field("transcribe", description="transcribe, or translate to English")
    initial_prompt: str | None = Field(None, description="text the first window is conditioned on (names, spelling)")
    temperature: float | None = Field(None, ge=0, description="sampling temperature (default: 0 with fallbacks)")
    device: str = Field("auto", description="auto (a GPU when present), cpu or cuda")
    beam_size: int = Field(5, ge=1, description="beam width")
    block_seconds: float = Field(BLOCK_SECONDS, ge=30.0, description="audio decoded at once; longer files are streamed "
                                 "in blocks cut at quiet moments")
    language_check: bool = Field(False, description=(
        "with an English-only model and no language given, warn when speech sounds like another language "
        f"(up to 4 windows of 30 s through {MULTILINGUAL_DEFAULT}'s detector, ~2 s each on 2 CPUs: on for "
        "`speechkit transcribe`, off by default elsewhere so stress grids and benchmarks keep their cost)"))

    @model_validator(mode="before")
    @classmethod
    def _default_model(cls, data: Any) -> Any:
        """No model named: English-only tiny.en, unless what was asked needs a multilingual one."""
        if isinstance(data, dict) and "model" not in data:
            return {**data, "model": MULTILINGUAL_DEFAULT if needs_multilingual(data) else DEFAULT_WHISPER}
        return data

    @model_validator(mode="after")
    def _model_can(self) -> WhisperOptions:
        asked = needs_multilingual(self.model_dump())
        if asked and english_only(self.model):
            raise ValueError(f"model {self.model} is English-only and cannot do {asked}; "
                             f"use a multilingual model such as --model {MULTILINGUAL_DEFAULT}")
        return self

    def decoding(self) -> dict[str, Any]:
        """The decoding options every Whisper library names alike (task, initial_prompt, temperature), when set."""
        out: dict[str, Any] = {"task": self.task}
        if self.initial_prompt is not None:
            out["initial_prompt"] = self.initial_prompt
        if self.temperature is not None:
            out["temperature"] = self.temperature
        return out


class CTranslate2Options(WhisperOptions):
    """faster-whisper and WhisperX run CTranslate2."""

    compute_type: str = Field("int8", description="CTranslate2 compute type (int8, float32, ...)")
    batch_size: int = Field(8, ge=1, description="batched decoding; 1 = sequential")
    threads: int = Field(0, ge=0, le=MAX_THREADS, description="CPU threads (0: speechkit's thread policy)")

    def cpu_threads(self) -> int:
        """The thread count CTranslate2 gets: explicit, so a worker given one core uses one, and the same
        audio gives the same words in every engine (OpenMP's own default depends on the environment)."""
        return ctranslate2_threads(self.threads)


class WordTimestamps(BackendOptions):
    word_timestamps: bool = Field(True, description="word times from the cross-attention heads")


def choose_language(given: str | None, multilingual: bool,
                    detect: Callable[[], tuple[str, float]]) -> tuple[str, float]:
    """A language the user gave is taken as certain, an English-only model is English, else the model decides
    (language and probability, as faster-whisper reports them)."""
    if given:
        return given, 1.0
    return detect() if multilingual else ("en", 1.0)


@dataclass
class Decoded:
    """One library's transcription: the language it found and its segments, possibly produced lazily."""

    language: str | None
    language_probability: float | None
    segments: Iterable[Segment]


Progress = Callable[[float], None]
"""Called with the seconds of audio decoded so far: by a backend as its library reports progress (a window or a
batch decoded), and for every segment a lazily decoding library yields."""

MEL_FRAMES_PER_SECOND = 100
"""Whisper's log-mel frames (10 ms hops): the unit openai-whisper and transformers count their progress in."""


class WhisperTranscriber(Backend):
    """The shape every Whisper backend shares, so each one only says how its library loads and decodes.

    Silence and quiet noise are never decoded (Whisper hallucinates on them) and quiet speech is raised
    first (:mod:`speechkit.media.audible`); segments are reported to the progress hook as they arrive;
    detected speech that produced no words is decoded once more and any loss is noted (``coverage.py``);
    language and probability land in the document the same way for all.
    """

    stage: ClassVar[str] = "transcribe"
    Options: ClassVar[type[BackendOptions]] = WhisperOptions
    load_fields: ClassVar[tuple[str, ...]] = ("model", "device")

    @abstractmethod
    def decode(self, model: Any, samples: np.ndarray, progress: Progress, run: Run) -> Decoded:
        """Transcribe 16 kHz mono samples that hold speech (raised when quiet) with what :meth:`load` returned."""

    def process(self, doc: Document, run: Run) -> Document:
        total = round(doc.audio.duration, 1) if doc.audio and doc.audio.duration else None
        step, model, offset = f"transcribe {self.model}", None, 0.0
        found: list[Decoded] = []
        decoded: list[Audible] = []  # the blocks with speech, as decoded (quiet ones raised)
        redecoded: list[Span] = []
        missing: list[Span] = []
        heard: np.ndarray | None = None  # the first block with sound, for the language check
        doc.segments = []
        run.parameters["device"] = pick_device(self.options.device)  # what auto chose, for the provenance
        for samples in quiet_cuts(run.blocks(doc, self.options.block_seconds, "transcribe")):
            block = audible(samples)  # Whisper hallucinates on silence and noise ("Thank you."): never decoded
            if block is not None:
                decoded.append(block)
                samples = block.samples
                heard = samples if heard is None and self.options.language_check else heard
                if model is None:  # a model that cannot be found fails before any progress is shown
                    model = self.loaded_model(run)
                    run.progress(step, 0, total)
                first = len(doc.segments)
                found.append(self._decode_block(model, samples, offset, doc, run, step, total))
                checked = cover(samples, offset, doc.segments[first:], lambda piece: self.redecode(model, piece, run))
                doc.segments[first:] = checked.segments
                redecoded, missing = redecoded + checked.redecoded, missing + checked.missing
            offset += samples.size / SAMPLE_RATE
        if not found:
            run.notes.append("audio is silent: nothing decoded")
            return doc
        run.notes.extend(filter(None, [raised_note(decoded)]))
        run.progress(step, round(offset, 1), total)
        run.notes.extend(coverage_notes(redecoded, missing, doc.audio.path if doc.audio else None))
        doc.segments, notes = repair(doc.segments, offset, found[0].language)
        run.notes.extend(notes)
        doc.language = found[0].language
        if (self.options.language_check and doc.segments and self.options.language is None
                and english_only(self.model or "") and heard is not None):
            run.notes.extend(filter(None, [warn_if_not_english(self.model or "", heard)]))
        if found[0].language_probability is not None:
            doc.language_probability = round(float(found[0].language_probability), 4)
        return doc

    def redecode(self, model: Any, samples: np.ndarray, run: Run) -> Iterable[Segment]:
        """Decode speech that produced no words once more, on its own audio (the coverage check's second try).
        Sequential backends simply decode again; a batched one overrides this to decode sequentially."""
        return self.decode(model, samples, lambda seconds: None, run).segments

    def _decode_block(self, model: Any, samples: np.ndarray, offset: float, doc: Document, run: Run, step: str,
                      total: float | None) -> Decoded:
        """Decode one block that starts ``offset`` seconds in, appending its segments in recording time.

        Progress never goes back: a library that reported its windows is followed by segments it returns at once."""
        reached = offset

        def progress(seconds: float) -> None:
            nonlocal reached
            if offset + seconds <= reached:
                return
            reached = offset + seconds
            run.progress(step, round(reached, 1) if total is None else min(reached, total), total)

        decoded = self.decode(model, samples, progress, run)
        for segment in decoded.segments:
            doc.segments.append(shifted(segment, offset))
            progress(segment.end)
        return decoded


class TorchWhisperTranscriber(WhisperTranscriber):
    """openai-whisper and transformers run the same PyTorch Whisper, so they take the same options."""

    uses_torch = True

    class Options(WhisperOptions, WordTimestamps, ThreadOptions):
        pass
