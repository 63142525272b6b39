"""WhisperX's batched FasterWhisperPipeline: pyannote VAD cuts the audio, CTranslate2 decodes the cuts in batches.

The VAD model is the pyannote segmentation checkpoint packaged inside whisperx (``assets/``),
so it loads offline. WhisperX's pipeline gives segment times only: word times come from
``speechkit align`` (WhisperX's own design), and the provenance says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from speechkit.media.audio import SAMPLE_RATE
from speechkit.models.cache import Loaded
from speechkit.models.resolve import resolve_whisper
from speechkit.segments import make_segment
from speechkit.stages.run import Run
from speechkit.stages.transcribe.common import (CTranslate2Options, Decoded, Progress, WhisperTranscriber, choose_language,
                                                pick_device)


class WhisperXTranscriber(WhisperTranscriber):
    name = "whisperx"
    libraries = ("whisperx", "faster-whisper", "ctranslate2", "pyannote.audio")

    Options = CTranslate2Options
    uses_torch = True  # its VAD
    load_fields = ("model", "device", "compute_type", "language", "threads", "beam_size", "task", "initial_prompt",
                   "temperature")

    def load(self) -> Loaded:
        import whisperx
        from whisperx.log_utils import setup_logging

        setup_logging("warning")  # whisperx logs progress to stdout, which carries the output paths
        o = self.options
        resolved = resolve_whisper(o.model)
        asr = {"beam_size": o.beam_size, "initial_prompt": o.initial_prompt,
               **({"temperatures": [o.temperature]} if o.temperature is not None else {})}
        return Loaded(whisperx.load_model(str(resolved.path), pick_device(o.device), compute_type=o.compute_type,
                                          language=o.language, task=o.task, vad_method="pyannote",
                                          local_files_only=True, threads=o.cpu_threads(), asr_options=asr),
                      str(resolved.path))

    def decode(self, pipeline: Any, samples: np.ndarray, progress: Progress, run: Run) -> Decoded:
        duration = samples.size / SAMPLE_RATE
        # WhisperX's own detect_language logs the probability and drops it; faster-whisper's model keeps it
        language, probability = choose_language(self.options.language, pipeline.model.model.is_multilingual,
                                                lambda: pipeline.model.detect_language(samples)[:2])
        result = pipeline.transcribe(samples, batch_size=self.options.batch_size, language=language,
                                     progress_callback=lambda percent: progress(percent / 100 * duration))
        note = "segment times only: run `speechkit align` for word times"
        run.notes.extend([note] if note not in run.notes else [])  # once, though the coverage check decodes again
        return Decoded(result["language"], probability, [
            make_segment(seg["start"], seg["end"], seg["text"], avg_logprob=round(float(seg["avg_logprob"]), 4))
            for seg in result["segments"]])
