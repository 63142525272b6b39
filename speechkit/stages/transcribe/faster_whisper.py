"""faster-whisper (CTranslate2) transcription, batched over VAD chunks: the fast default on CPU."""

from __future__ import annotations

from typing import Any

import numpy as np

from speechkit.models.resolve import resolve_whisper
from speechkit.stages.augment.feature_mask import masked_features
from speechkit.stages.transcribe.common import Decoded, Progress, WhisperTranscriber, make_segment


class FasterWhisperTranscriber(WhisperTranscriber):
    name = "faster-whisper"
    libraries = ("faster-whisper", "ctranslate2")

    def __init__(self, model: str | None = "tiny.en", language: str | None = None, device: str = "cpu",
                 compute_type: str = "int8", batch_size: int = 8, beam_size: int = 5,
                 word_timestamps: bool = True, threads: int = 0, feature_mask: dict[str, Any] | None = None,
                 **options: Any) -> None:
        """``feature_mask``: SpecAugment-style masks on the log-mel features (a FeatureMask's parameters)."""
        super().__init__(model=model, language=language, device=device, compute_type=compute_type,
                         batch_size=batch_size, beam_size=beam_size, word_timestamps=word_timestamps,
                         threads=threads, feature_mask=feature_mask, **options)

    def load(self) -> Any:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        resolved = resolve_whisper(self.model or "tiny.en")
        self.model_path = str(resolved.path)
        model = WhisperModel(str(resolved.path), device=self.options["device"],
                             compute_type=self.options["compute_type"], cpu_threads=self.options["threads"])
        return BatchedInferencePipeline(model) if self.options["batch_size"] > 1 else model

    def decode(self, model: Any, samples: np.ndarray, progress: Progress) -> Decoded:
        kwargs: dict[str, Any] = dict(language=self.options["language"], beam_size=self.options["beam_size"],
                                      word_timestamps=self.options["word_timestamps"], vad_filter=True)
        if self.options["batch_size"] > 1:
            kwargs["batch_size"] = self.options["batch_size"]
        with masked_features(model, self.options.get("feature_mask")) as masks:
            segments, info = model.transcribe(samples, **kwargs)
        if masks:
            self.parameters["feature_masks_drawn"] = masks
        return Decoded(info.language, info.language_probability, (
            make_segment(seg.start, seg.end, seg.text,
                         [{"word": w.word, "start": w.start, "end": w.end, "score": w.probability}
                          for w in seg.words or []],
                         avg_logprob=round(seg.avg_logprob, 4), no_speech_prob=round(seg.no_speech_prob, 4))
            for seg in segments))
