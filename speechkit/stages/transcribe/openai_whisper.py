"""openai-whisper, the reference implementation: PyTorch, sequential 30 s windows, beam search with fallback.

Weights come from :func:`speechkit.models.resolve.resolve_openai_whisper` (the packaged
CTranslate2 weights, converted once). It is the slowest backend on a CPU; it is here as the
reference the others are compared against.
"""

from __future__ import annotations

import sys
from contextvars import ContextVar
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from speechkit.models.cache import Loaded
from speechkit.models.resolve import resolve_openai_whisper
from speechkit.segments import make_segment
from speechkit.stages.run import Run
from speechkit.stages.transcribe.common import (MEL_FRAMES_PER_SECOND, Decoded, Progress, TorchWhisperTranscriber,
                                                choose_language, pick_device)

_REPORT: ContextVar[Progress | None] = ContextVar("speechkit_openai_whisper_progress", default=None)
"""Where the window loop of the ``whisper.transcribe`` running in this thread reports; None outside a decode."""


class _FramesBar:
    """Stands in for the ``tqdm`` bar ``whisper.transcribe`` counts decoded mel frames with, its only progress
    report (it returns the segments all at once): inside :meth:`OpenAIWhisperTranscriber.decode` the count goes
    to the decode's progress as seconds, window by window; elsewhere a real tqdm bar is drawn as before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        import tqdm

        self.report, self.frames = _REPORT.get(), 0
        self.bar = None if self.report else tqdm.tqdm(*args, **kwargs)

    def __enter__(self) -> _FramesBar:
        return self

    def __exit__(self, *error: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def update(self, frames: int) -> None:
        self.frames += frames
        if self.report is not None:
            self.report(self.frames / MEL_FRAMES_PER_SECOND)
        elif self.bar is not None:
            self.bar.update(frames)


def _report_windows() -> None:
    """Give ``whisper.transcribe`` the :class:`_FramesBar` (once per process; a context variable, not a patch
    per call, so decodes in several threads each report to their own run)."""
    import whisper.transcribe  # noqa: F401 - the module, which the package's ``transcribe`` function shadows

    module = sys.modules["whisper.transcribe"]
    if getattr(module.tqdm, "tqdm", None) is not _FramesBar:
        module.tqdm = SimpleNamespace(tqdm=_FramesBar)


def load_checkpoint(path: Path, device: str) -> Any:
    """An openai-whisper model from a ``.pt`` checkpoint; the alignment heads speechkit's converter stores
    (OpenAI's own files lack them) make word timestamps follow the model's own time-tracking heads."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model = Whisper(ModelDimensions(**checkpoint["dims"]))
    model.load_state_dict(checkpoint["model_state_dict"])
    if checkpoint.get("alignment_heads"):
        model.set_alignment_heads(checkpoint["alignment_heads"])
    return model.to(device).eval()


class OpenAIWhisperTranscriber(TorchWhisperTranscriber):
    name = "openai-whisper"
    libraries = ("openai-whisper", "torch")

    def load(self) -> Loaded:
        resolved = resolve_openai_whisper(self.options.model)
        return Loaded(load_checkpoint(resolved.path, pick_device(self.options.device)), str(resolved.path))

    @staticmethod
    def detect_language(model: Any, samples: np.ndarray) -> tuple[str, float]:
        """The language and its probability on the first 30 s, as ``whisper.transcribe`` finds it (it keeps
        the language only)."""
        import whisper

        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(samples), model.dims.n_mels).to(model.device)
        _, probs = model.detect_language(mel)
        language = max(probs, key=probs.get)
        return language, probs[language]

    def decode(self, model: Any, samples: np.ndarray, progress: Progress, run: Run) -> Decoded:
        import whisper

        language, probability = choose_language(self.options.language, model.is_multilingual,
                                                lambda: self.detect_language(model, samples))
        beam = self.options.beam_size
        _report_windows()
        reporting = _REPORT.set(progress)
        try:
            result = whisper.transcribe(model, samples, language=language, fp16=False, verbose=None,
                                        word_timestamps=self.options.word_timestamps,
                                        beam_size=beam if beam and beam > 1 else None, **self.options.decoding())
        finally:
            _REPORT.reset(reporting)
        return Decoded(language, probability, [
            make_segment(seg["start"], seg["end"], seg["text"],
                         [{"word": w["word"], "start": w["start"], "end": w["end"], "score": w["probability"]}
                          for w in seg.get("words", [])],
                         avg_logprob=round(seg["avg_logprob"], 4), no_speech_prob=round(seg["no_speech_prob"], 4))
            for seg in result["segments"]])
