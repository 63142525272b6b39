"""WhisperX's batched FasterWhisperPipeline: pyannote VAD cuts the audio, CTranslate2 decodes the cuts in batches.

The VAD model is the pyannote segmentation checkpoint packaged inside whisperx (``assets/``),
so it loads offline. WhisperX's pipeline gives segment times only: word times come from
``speechkit align`` (WhisperX's own design), and the provenance says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from speechkit.audio import SAMPLE_RATE
from speechkit.models.resolve import resolve_whisper
from speechkit.stages.transcribe.common import (Decoded, Progress, WhisperTranscriber, choose_language,
                                               make_segment)


class WhisperXTranscriber(WhisperTranscriber):
    name = "whisperx"
    libraries = ("whisperx", "faster-whisper", "ctranslate2", "pyannote.audio")

    def __init__(self, model: str | None = "tiny.en", language: str | None = None, device: str = "cpu",
                 compute_type: str = "int8", batch_size: int = 8, beam_size: int = 5, threads: int = 0,
                 **options: Any) -> None:
        super().__init__(model=model, language=language, device=device, compute_type=compute_type,
                         batch_size=batch_size, beam_size=beam_size, threads=threads, **options)

    def load(self) -> Any:
        import whisperx
        from whisperx.log_utils import setup_logging

        setup_logging("warning")  # whisperx logs progress to stdout, which carries the output paths
        resolved = resolve_whisper(self.model or "tiny.en")
        self.model_path = str(resolved.path)
        return whisperx.load_model(str(resolved.path), self.options["device"],
                                   compute_type=self.options["compute_type"], language=self.options["language"],
                                   vad_method="pyannote", local_files_only=True, threads=self.options["threads"],
                                   asr_options={"beam_size": self.options["beam_size"]})

    def decode(self, pipeline: Any, samples: np.ndarray, progress: Progress) -> Decoded:
        duration = samples.size / SAMPLE_RATE
        # WhisperX's own detect_language logs the probability and drops it; faster-whisper's model keeps it
        language, probability = choose_language(self.options["language"], pipeline.model.model.is_multilingual,
                                                lambda: pipeline.model.detect_language(samples)[:2])
        result = pipeline.transcribe(samples, batch_size=self.options["batch_size"], language=language,
                                     progress_callback=lambda percent: progress(percent / 100 * duration))
        self.notes.append("segment times only: run `speechkit align` for word times")
        return Decoded(result["language"], probability, [
            make_segment(seg["start"], seg["end"], seg["text"], avg_logprob=round(float(seg["avg_logprob"]), 4))
            for seg in result["segments"]])
