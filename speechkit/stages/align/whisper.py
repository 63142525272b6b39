"""Whisper's own word timestamps: cross-attention + DTW over the transcript's text, via faster-whisper.

The transcript's text is force-aligned as it stands (never re-decoded), so an edited transcript, or
one from another engine, keeps its words and only gains times. This is the same alignment
faster-whisper runs for ``word_timestamps=True``; it needs no wav2vec2 model, which is why ``auto``
falls back to it offline.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pydantic import Field

from speechkit.media.audio import SAMPLE_RATE
from speechkit.models import DEFAULT_WHISPER
from speechkit.models.cache import Loaded
from speechkit.models.resolve import resolve_whisper
from speechkit.schema import Document, Segment, Word
from speechkit.stages.align.common import AlignOptions, alignment_audio, interpolate_times, require_transcript
from speechkit.stages.base import Backend, ThreadOptions
from speechkit.stages.run import Run
from speechkit.runtime.threads import ctranslate2_threads

WINDOW_SECONDS = 30.0
"""Whisper's encoder sees 30 s; a longer segment cannot be aligned in one pass."""
PREPEND_PUNCTUATIONS = "\"'“¿([{-"
APPEND_PUNCTUATIONS = "\"'.。,，!！?？:：”)]}、"
"""faster-whisper's defaults: punctuation joins the word it touches."""


def default_model(doc: Document) -> str:
    """The Whisper model that transcribed the document, else the default for English and base otherwise."""
    for record in reversed(doc.provenance):
        if record.stage == "transcribe" and record.model:
            return record.model
    return DEFAULT_WHISPER if doc.language in (None, "en") else "base"


class WhisperAligner(Backend):
    stage = "align"
    name = "whisper"
    libraries = ("faster-whisper", "ctranslate2")

    load_fields = ("device", "compute_type", "threads")

    class Options(AlignOptions, ThreadOptions):
        compute_type: str = Field("int8", description="CTranslate2 compute type")

    def load(self, model_name: str, language: str | None) -> Loaded:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        resolved = resolve_whisper(model_name)
        model = WhisperModel(str(resolved.path), device=self.options.device, compute_type=self.options.compute_type,
                             cpu_threads=ctranslate2_threads(self.options.threads))
        language = language if model.model.is_multilingual else "en"
        tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language or "en")
        return Loaded((model, tokenizer), str(resolved.path))

    def align_segment(self, model: Any, tokenizer: Any, samples: np.ndarray, segment: Segment) -> list[Word]:
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.transcribe import merge_punctuations

        chunk = samples[int(segment.start * SAMPLE_RATE): int(segment.end * SAMPLE_RATE)]
        features = model.feature_extractor(chunk)[..., :-1]
        num_frames = min(features.shape[-1], model.feature_extractor.nb_max_frames)
        tokens = tokenizer.encode(" " + segment.text.strip())
        if num_frames < 2 or not tokens:
            return []
        encoded = model.encode(pad_or_trim(features[:, :num_frames]))
        alignment = model.find_alignment(tokenizer, [tokens], encoded, num_frames)[0]
        merge_punctuations(alignment, PREPEND_PUNCTUATIONS, APPEND_PUNCTUATIONS)
        end = segment.start + num_frames / model.frames_per_second
        return [Word(word=a["word"].strip(), start=round(min(segment.start + a["start"], end), 3),
                     end=round(min(segment.start + a["end"], end), 3), score=round(float(a["probability"]), 3))
                for a in alignment if a["word"].strip()]

    def process(self, doc: Document, run: Run) -> Document:
        segments = require_transcript(doc)
        if not segments:
            run.notes.append("empty transcript: nothing to align")
            return doc
        samples = alignment_audio(doc, run)
        run.model = self.options.model or default_model(doc)
        model, tokenizer = self.loaded_model(run, run.model, doc.language)
        aligned, interpolated, too_long = [], 0, 0
        step = f"align whisper {run.model}"
        run.progress(step, 0, len(segments))
        for done, segment in enumerate(segments, start=1):
            if segment.end - segment.start > WINDOW_SECONDS:
                too_long += 1
                words: list[Word] = []
            else:
                words = self.align_segment(model, tokenizer, samples, segment)
            timed, missing = interpolate_times(segment.model_copy(update={"words": words}), doc.language)
            aligned.append(timed)
            interpolated += missing
            run.progress(step, done, len(segments))
        doc.segments = aligned
        if too_long:
            run.notes.append(f"{too_long} segment(s) longer than {WINDOW_SECONDS:g} s: word times interpolated, not aligned")
        if interpolated:
            run.notes.append(f"{interpolated} word(s) got interpolated times")
        return doc
