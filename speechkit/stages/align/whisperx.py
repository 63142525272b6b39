"""wav2vec2 CTC forced alignment with ``whisperx.align``: any Hugging Face CTC model id or local path.

Without ``--model``, WhisperX's per-language default is used. The model must be on disk (a local
directory or a cache entry) unless hub access is allowed. Words CTC cannot align (digits, symbols)
get interpolated times.
"""

from __future__ import annotations

from pydantic import Field

from speechkit.errors import ModelNotFoundError
from speechkit.models.cache import Loaded
from speechkit.models.ctc import default_ctc_model
from speechkit.models.resolve import hub_allowed
from speechkit.schema import Document
from speechkit.segments import make_segment
from speechkit.stages.align.common import AlignOptions, alignment_audio, interpolate_times, require_transcript
from speechkit.stages.align.punkt import ensure_punkt
from speechkit.stages.base import Backend, ThreadOptions
from speechkit.stages.run import Run

RANDOM_WEIGHTS_KEY = "random_weights"
"""A model config with this set true was built from a config, untrained: its times mean nothing."""


class WhisperXAligner(Backend):
    stage = "align"
    name = "whisperx"
    uses_torch = True
    libraries = ("whisperx", "transformers", "torch", "torchaudio", "nltk")

    load_fields = ("device",)

    class Options(AlignOptions, ThreadOptions):
        interpolate_method: str = Field("nearest", description="whisperx.align's timing for unaligned words")

    def load(self, name: str | None, language: str) -> Loaded:
        import whisperx

        if name is None:
            raise ModelNotFoundError(f"no default CTC alignment model for language {language!r}; pass --model "
                                     "(a wav2vec2 CTC model id or directory), or use --backend whisper")
        try:
            model, metadata = whisperx.load_align_model(language, self.options.device, model_name=name,
                                                        model_cache_only=not hub_allowed())
        except Exception as exc:  # noqa: BLE001 - whisperx wraps every loading failure in ValueError or worse
            raise ModelNotFoundError(f"CTC alignment model {name!r} cannot be loaded offline ({type(exc).__name__}); "
                                     "pass a local wav2vec2 CTC directory with --model, or use --backend whisper") from None
        random = getattr(getattr(model, "config", None), RANDOM_WEIGHTS_KEY, False)
        return Loaded((model, metadata), getattr(model, "name_or_path", None) or name,
                      ("random weights: plumbing only, word times are meaningless",) if random else ())

    def process(self, doc: Document, run: Run) -> Document:
        import whisperx

        segments = require_transcript(doc)
        if not segments:
            run.notes.append("empty transcript: nothing to align")
            return doc
        language = doc.language or "en"
        run.model = self.options.model or default_ctc_model(language)
        model, metadata = self.loaded_model(run, run.model, language)
        note = ensure_punkt(language)
        if note:
            run.notes.append(note)
        transcript = [{"start": s.start, "end": s.end, "text": s.text} for s in segments]
        run.progress(f"align whisperx {run.model}", 0, 1)
        result = whisperx.align(transcript, model, metadata, alignment_audio(doc, run), self.options.device,
                                interpolate_method=self.options.interpolate_method)
        run.progress(f"align whisperx {run.model}", 1, 1)
        aligned, interpolated = [], 0
        for raw in result["segments"]:
            words = [{k: v for k, v in w.items() if v == v} for w in raw.get("words") or []]  # drop NaN
            segment, missing = interpolate_times(make_segment(raw["start"], raw["end"], raw["text"], words), language)
            aligned.append(segment)
            interpolated += missing
        doc.segments = aligned
        if interpolated:
            run.notes.append(f"{interpolated} word(s) without a CTC alignment got interpolated times")
        return doc
