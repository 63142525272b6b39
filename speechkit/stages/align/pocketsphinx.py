"""Forced alignment with pocketsphinx's bundled US-English acoustic model (CMU Sphinx, BSD).

Each segment's words are aligned as they stand (the transcript's words when it has them, else its
text split into words): their text is never changed, only their times. The audio searched is the
segment widened by ``pad`` seconds each side, never into a neighbouring segment, so a segment whose
edges the transcriber placed a little late or early still gets its first and last words found; a
segment is widened to its words when they fall in that margin. Words the dictionary lacks get
phones from :mod:`speechkit.stages.align.pronounce`; a word with nothing to pronounce (a dash)
gets an interpolated time. A segment pocketsphinx cannot align keeps the times it had (or
interpolated ones), and the provenance notes say how many.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from speechkit.media.audio import SAMPLE_RATE
from speechkit.errors import ModelNotFoundError
from speechkit.models.cache import Loaded
from speechkit.schema import Document, Segment, Word
from speechkit.stages.align.common import (
    AlignOptions,
    alignment_audio,
    interpolate_times,
    require_transcript,
    split_words,
)
from speechkit.stages.align.pronounce import dictionary_form, pronounce
from speechkit.stages.base import Backend
from speechkit.stages.run import Run

DEFAULT_MODEL = "en-us"
"""pocketsphinx's bundled acoustic model (and its CMU dictionary)."""
LANGUAGES = (None, "en")
MIN_SECONDS = 0.1
ALTERNATE = re.compile(r"\(\d+\)$")
"""pocketsphinx names a word's alternative pronunciations ``word(2)``."""


class PocketsphinxAligner(Backend):
    stage = "align"
    name = "pocketsphinx"
    libraries = ("pocketsphinx",)

    load_fields = ("dictionary",)

    class Options(AlignOptions):
        model: str | None = Field(None, description="acoustic model directory (default: the bundled en-us)")
        device: Literal["cpu"] = Field("cpu", description="pocketsphinx runs on the CPU")
        dictionary: str | None = Field(None, description="pronunciation dictionary (default: the bundled CMU one)")
        pad: float = Field(0.3, ge=0.0, le=2.0, description="seconds searched beyond each end of a segment")

    def load(self, model: str) -> Loaded:
        import pocketsphinx

        bundled = Path(pocketsphinx.get_model_path())
        hmm = bundled / "en-us" / "en-us" if model == DEFAULT_MODEL else Path(model)
        dictionary = Path(self.options.dictionary or bundled / "en-us" / "cmudict-en-us.dict")
        for path, what in ((hmm / "mdef", "acoustic model"), (dictionary, "dictionary")):
            if not path.is_file():
                raise ModelNotFoundError(f"pocketsphinx {what} not found: {path}; leave --model unset for the "
                                         "bundled en-us model")
        decoder = pocketsphinx.Decoder(hmm=str(hmm), dict=str(dictionary), lm=None, samprate=SAMPLE_RATE,
                                       loglevel="FATAL")
        return Loaded(_Aligner(decoder), str(hmm))

    def process(self, doc: Document, run: Run) -> Document:
        if doc.language not in LANGUAGES:
            raise ModelNotFoundError(f"pocketsphinx aligns English only (its bundled en-us model), and this document "
                                     f"is {doc.language!r}: use --backend whisper")
        segments = require_transcript(doc)
        if not segments:
            run.notes.append("empty transcript: nothing to align")
            return doc
        samples = alignment_audio(doc, run)
        run.model = self.options.model or DEFAULT_MODEL
        aligner: _Aligner = self.loaded_model(run, run.model)
        step = f"align pocketsphinx {run.model}"
        run.progress(step, 0, len(segments))
        aligned, counts = [], {"failed": 0, "guessed": 0, "interpolated": 0}
        for i, segment in enumerate(segments):
            low = max(segment.start - self.options.pad, aligned[-1].end if aligned else 0.0, 0.0)
            high = min(segment.end + self.options.pad, segments[i + 1].start if i + 1 < len(segments) else np.inf,
                       len(samples) / SAMPLE_RATE)
            words = [w.model_copy() for w in segment.words] or split_words(segment.text, doc.language)
            times, guessed = aligner.align(samples, low, max(high, low), [w.word for w in words])
            counts["guessed"] += guessed
            if times is None:
                counts["failed"] += 1
            else:  # an unpronounceable word loses its old time: it is interpolated between the new ones
                words = [w.model_copy(update={"start": start, "end": end}) for w, (start, end) in zip(words, times)]
            timed, missing = interpolate_times(_covering(segment, words), doc.language)
            counts["interpolated"] += missing
            aligned.append(timed)
            run.progress(step, i + 1, len(segments))
        doc.segments = aligned
        if counts["failed"]:
            run.notes.append(f"{counts['failed']} segment(s) pocketsphinx could not align kept their earlier "
                             "word times")
        if counts["guessed"]:
            run.notes.append(f"{counts['guessed']} word(s) not in the dictionary got pronunciations guessed "
                             "from spelling")
        if counts["interpolated"]:
            run.notes.append(f"{counts['interpolated']} word(s) got interpolated times")
        return doc


def _covering(segment: Segment, words: list[Word]) -> Segment:
    """``segment`` with ``words``, widened to cover them (the search margin may have found them outside)."""
    timed = [w for w in words if w.start is not None and w.end is not None]
    start = min([segment.start, *(w.start for w in timed)])
    end = max([segment.end, *(w.end for w in timed)])
    return segment.model_copy(update={"start": start, "end": end, "words": words})


class _Aligner:
    """A pocketsphinx decoder and the pronunciations it was given; one alignment at a time."""

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        self.frame_rate = int(decoder.config["frate"])
        self.lock = threading.Lock()
        self.keys: dict[str, str | None] = {}
        """Transcript word -> its dictionary entry (None: nothing to pronounce)."""
        self.guesses: set[str] = set()

    def key(self, word: str) -> tuple[str | None, bool]:
        """The dictionary entry to align ``word`` with, adding one for a word the dictionary lacks."""
        if word not in self.keys:
            form = dictionary_form(word)
            if form and self.decoder.lookup_word(form):
                self.keys[word] = form  # keeps the dictionary's alternative pronunciations
            else:
                found = pronounce(word, self.decoder.lookup_word)
                self.keys[word] = None if found is None else f"speechkit_oov_{len(self.keys)}"
                if found is not None:
                    self.decoder.add_word(self.keys[word], found.phones, True)
                if found is not None and found.guessed:
                    self.guesses.add(word)
        return self.keys[word], word in self.guesses

    def align(self, samples: np.ndarray, low: float, high: float,
              words: list[str]) -> tuple[list[tuple[float, float] | tuple[None, None]] | None, int]:
        """(start, end) per word (None, None for an unpronounceable one), or None if alignment failed;
        and how many words had guessed pronunciations."""
        with self.lock:
            keys = [self.key(w) for w in words]
            guessed = sum(g for _, g in keys)
            spoken = [(i, k) for i, (k, _) in enumerate(keys) if k]
            if not spoken or high - low < MIN_SECONDS:
                return None, guessed
            chunk = samples[int(low * SAMPLE_RATE): int(high * SAMPLE_RATE)]
            pcm = (np.clip(chunk, -1.0, 1.0) * 32767).astype(np.int16).tobytes()
            try:
                self.decoder.set_align_text(" ".join(k for _, k in spoken))
                self.decoder.start_utt()
                self.decoder.process_raw(pcm, full_utt=True)
                self.decoder.end_utt()
            except RuntimeError:
                return None, guessed
            if self.decoder.hyp() is None:
                return None, guessed
            found = [s for s in self.decoder.seg() if ALTERNATE.sub("", s.word) in {k for _, k in spoken}]
            if [ALTERNATE.sub("", s.word) for s in found] != [k for _, k in spoken]:
                return None, guessed
        times: list[Any] = [(None, None)] * len(words)
        for (i, _), s in zip(spoken, found):
            start = round(min(low + s.start_frame / self.frame_rate, high), 3)
            times[i] = (start, round(min(low + (s.end_frame + 1) / self.frame_rate, high), 3))
        return times, guessed
