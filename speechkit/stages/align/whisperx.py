"""wav2vec2 CTC forced alignment with ``whisperx.align``: any Hugging Face CTC model id or local path.

Without ``--model``, WhisperX's per-language default is used. The model must be on disk (a local
directory or a cache entry) unless hub access is allowed. Words CTC cannot align (digits, symbols)
get interpolated times.
"""

from __future__ import annotations

from typing import Any

from speechkit.errors import ModelNotFoundError
from speechkit.models.resolve import hub_allowed
from speechkit.schema import Document
from speechkit.stages.align.common import alignment_audio, interpolate_times, require_transcript
from speechkit.stages.align.ctc import default_ctc_model
from speechkit.stages.align.punkt import ensure_punkt
from speechkit.stages.base import Backend
from speechkit.stages.transcribe.common import make_segment

RANDOM_WEIGHTS_KEY = "random_weights"
"""A model config with this set true was built from a config, untrained: its times mean nothing."""


class WhisperXAligner(Backend):
    stage = "align"
    name = "whisperx"
    libraries = ("whisperx", "transformers", "torch", "torchaudio", "nltk")

    def __init__(self, model: str | None = None, device: str = "cpu", interpolate_method: str = "nearest",
                 **options: Any) -> None:
        super().__init__(model=model, device=device, interpolate_method=interpolate_method, **options)

    def load(self, language: str) -> tuple[Any, dict[str, Any]]:
        import whisperx

        self.model = self.model or default_ctc_model(language)
        if self.model is None:
            raise ModelNotFoundError(f"no default CTC alignment model for language {language!r}; pass --model "
                                     "(a wav2vec2 CTC model id or directory), or use --backend whisper")
        try:
            model, metadata = whisperx.load_align_model(language, self.options["device"], model_name=self.model,
                                                        model_cache_only=not hub_allowed())
        except Exception as exc:  # noqa: BLE001 - whisperx wraps every loading failure in ValueError or worse
            raise ModelNotFoundError(f"CTC alignment model {self.model!r} cannot be loaded offline ({type(exc).__name__}); "
                                     "pass a local wav2vec2 CTC directory with --model, or use --backend whisper") from None
        self.model_path = getattr(model, "name_or_path", None) or self.model
        if getattr(getattr(model, "config", None), RANDOM_WEIGHTS_KEY, False):
            self.notes.append("random weights: plumbing only, word times are meaningless")
        return model, metadata

    def process(self, doc: Document) -> Document:
        import whisperx

        segments = require_transcript(doc)
        if not segments:
            self.notes.append("empty transcript: nothing to align")
            return doc
        language = doc.language or "en"
        model, metadata = self.load(language)
        note = ensure_punkt(language)
        if note:
            self.notes.append(note)
        transcript = [{"start": s.start, "end": s.end, "text": s.text} for s in segments]
        result = whisperx.align(transcript, model, metadata, alignment_audio(doc), self.options["device"],
                                interpolate_method=self.options["interpolate_method"])
        aligned, interpolated = [], 0
        for raw in result["segments"]:
            words = [{k: v for k, v in w.items() if v == v} for w in raw.get("words") or []]  # drop NaN
            segment, missing = interpolate_times(make_segment(raw["start"], raw["end"], raw["text"], words), language)
            aligned.append(segment)
            interpolated += missing
        doc.segments = aligned
        if interpolated:
            self.notes.append(f"{interpolated} word(s) without a CTC alignment got interpolated times")
        return doc
