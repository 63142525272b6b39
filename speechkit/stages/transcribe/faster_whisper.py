"""faster-whisper (CTranslate2) transcription, batched over VAD chunks by default; sequential on request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from pydantic import Field

from speechkit.stages.augment.feature_mask import masked_features
from speechkit.models.cache import Loaded
from speechkit.models.resolve import resolve_whisper
from speechkit.schema import Segment
from speechkit.segments import make_segment
from speechkit.stages.run import Run
from speechkit.media.audio import SAMPLE_RATE
from speechkit.stages.transcribe.common import (CTranslate2Options, Decoded, Progress, WhisperTranscriber,
                                                WordTimestamps, pick_device)
from speechkit.stages.transcribe.languages import WINDOW_SECONDS


class FasterWhisperTranscriber(WhisperTranscriber):
    name = "faster-whisper"
    libraries = ("faster-whisper", "ctranslate2")
    load_fields = ("model", "device", "compute_type", "threads", "batch_size")

    class Options(CTranslate2Options, WordTimestamps):
        batch_size: int = Field(8, ge=1, description=(
            "8 = batched (the default: reproducible, 1.2x faster; speech a batch item leaves without words is "
            "decoded again sequentially, benchmarks/results/dropped_speech.md); 1 = sequential with temperature "
            "fallbacks, which samples, so its output is not reproducible"))
        feature_mask: dict[str, Any] | None = Field(
            None, description="SpecAugment-style masks on the log-mel features (a FeatureMask's parameters)")
        hotwords: str | None = Field(None, description="words to favour, given to the decoder as a prompt")
        multilingual: bool = Field(False, description="detect the language of every segment (needs a multilingual model)")
        vad: bool = Field(True, description="skip non-speech with Silero VAD (without it, batched decoding cuts 30 s windows)")
        vad_threshold: float | None = Field(None, gt=0, lt=1, description="VAD speech probability threshold (0.5)")
        vad_min_silence_ms: int | None = Field(None, ge=0, description="silence that ends a VAD speech chunk, in ms")

    def load(self) -> Loaded:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        o = self.options
        resolved = resolve_whisper(o.model)
        model = WhisperModel(str(resolved.path), device=pick_device(o.device), compute_type=o.compute_type,
                             cpu_threads=o.cpu_threads())
        return Loaded(BatchedInferencePipeline(model) if o.batch_size > 1 else model, str(resolved.path))

    def decode(self, model: Any, samples: np.ndarray, progress: Progress, run: Run) -> Decoded:
        o = self.options
        kwargs: dict[str, Any] = dict(**o.decoding(), **self.vad(samples.size / SAMPLE_RATE))
        if o.batch_size > 1:
            kwargs["batch_size"] = o.batch_size
        segments, info = self._transcribe(model, samples, run, kwargs)
        return Decoded(info.language, info.language_probability, segments)

    def redecode(self, model: Any, samples: np.ndarray, run: Run) -> Iterable[Segment]:
        """Speech that produced no words, decoded again sequentially at temperature 0 (reproducible, unlike the
        sampled fallbacks) and without VAD: it is speech by VAD already, and a batch item's skipped sentences
        come back when decoded with timestamps, window by window."""
        o = self.options
        kwargs = {**o.decoding(), "temperature": o.temperature or 0.0, "vad_filter": False,
                  "condition_on_previous_text": False}
        return self._transcribe(whisper_model(model), samples, run, kwargs)[0]

    def _transcribe(self, model: Any, samples: np.ndarray, run: Run, kwargs: dict[str, Any]
                    ) -> tuple[Iterable[Segment], Any]:
        """faster-whisper's segments as the document's (lazily) and its info, with the options every call shares."""
        o = self.options
        with masked_features(model, o.feature_mask) as masks:
            segments, info = model.transcribe(samples, language=o.language, beam_size=o.beam_size,
                                              word_timestamps=o.word_timestamps, hotwords=o.hotwords,
                                              multilingual=o.multilingual, **kwargs)
        if masks:
            run.parameters.setdefault("feature_masks_drawn", []).extend(masks)
        whisper = whisper_model(model)
        return (
            make_segment(seg.start, seg.end, seg.text,
                         [{"word": w.word, "start": w.start, "end": w.end, "score": w.probability}
                          for w in seg.words or []],
                         avg_logprob=round(seg.avg_logprob, 4), no_speech_prob=round(seg.no_speech_prob, 4),
                         language=self.segment_language(whisper, samples, seg.start, seg.end))
            for seg in segments), info

    def vad(self, duration: float) -> dict[str, Any]:
        """faster-whisper's VAD arguments; batched decoding without VAD needs its windows given."""
        o = self.options
        if not o.vad:
            windows = [{"start": s, "end": min(s + WINDOW_SECONDS, duration)}
                       for s in range(0, int(duration) + 1, WINDOW_SECONDS) if s < duration]
            return {"vad_filter": False, **({"clip_timestamps": windows} if o.batch_size > 1 else {})}
        parameters = {k: v for k, v in (("threshold", o.vad_threshold), ("min_silence_duration_ms", o.vad_min_silence_ms))
                      if v is not None}
        return {"vad_filter": True, **({"vad_parameters": parameters} if parameters else {})}

    def segment_language(self, whisper: Any, samples: np.ndarray, start: float, end: float) -> str | None:
        """With ``multilingual``, the language detected on the segment's own audio: faster-whisper detects one
        per window to decode it but does not return it."""
        if not self.options.multilingual:
            return None
        return whisper.detect_language(samples[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)])[0]


def whisper_model(model: Any) -> Any:
    """The ``WhisperModel`` itself, or the one inside a ``BatchedInferencePipeline`` (whose ``model`` it is; a
    ``WhisperModel``'s own ``model`` is the CTranslate2 object)."""
    return model if hasattr(model, "feature_extractor") else model.model
