"""The augment stage: a document's audio through a seeded transform chain, written as a new audio file.

The new document's ``audio`` points at the degraded file (16 kHz mono, the channel selected, if
any) while ``source`` keeps the original; the provenance records the seed and every drawn
parameter, so the file can be made again byte for byte.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from pydantic import Field

from speechkit.media.audio import SAMPLE_RATE, probe
from speechkit.io import atomic_write_bytes, guard_output
from speechkit.naming import base_name
from speechkit.schema import Document, Source
from speechkit.stages.augment.chain import apply_chain
from speechkit.stages.augment.presets import load_preset
from speechkit.stages.augment.transforms import TransformError, TransformSpec, parse_specs
from speechkit.stages.base import Backend, BackendOptions
from speechkit.stages.run import Run

AUDIO_FORMATS = {".flac": ("FLAC", "PCM_24"), ".wav": ("WAV", "FLOAT")}


class AudiomentationsAugmenter(Backend):
    stage = "augment"
    name = "audiomentations"
    libraries = ("audiomentations", "pyroomacoustics", "av", "soundfile", "numpy")

    class Options(BackendOptions):
        preset: str | None = Field(None, description="named preset or a preset YAML file")
        transforms: list[dict[str, Any]] = Field(default_factory=list, description="transforms applied after the preset")
        seed: int = Field(0, description="seed for every random draw; the same seed gives a byte-identical file")
        audio_output: Path | None = Field(None, description="augmented audio, .flac or .wav (default: <name>.augment.flac)")

    def specs(self) -> list[TransformSpec]:
        """The preset's transforms, then those given directly."""
        specs = load_preset(self.options.preset)[1] if self.options.preset else []
        specs += parse_specs(self.options.transforms)
        if not specs:
            raise TransformError("nothing to do: give a preset or at least one transform")
        inference = [s.name for s in specs if s.at_inference]
        if inference:
            raise TransformError(f"{', '.join(inference)} acts on log-mel features at inference, not on audio: "
                                 "use it in a stress condition or as the faster-whisper backend's feature_mask option")
        return specs

    def process(self, doc: Document, run: Run) -> Document:
        specs = self.specs()
        if doc.audio is None:
            raise TransformError("document has no audio to augment")
        original = doc.audio
        target = Path(self.options.audio_output or f"{base_name(original.path)}.augment.flac")
        if target.suffix.lower() not in AUDIO_FORMATS:
            raise TransformError(f"{target}: augmented audio is written as {' or '.join(AUDIO_FORMATS)}")
        guard_output(target, [original.path, doc.source.uri if doc.source else ""])

        samples, drawn = apply_chain(run.samples(doc, "augment"), SAMPLE_RATE, specs, self.options.seed)
        samples, gain_db = fit_full_scale(samples)
        write_audio(target, samples, SAMPLE_RATE)

        doc.source = doc.source or Source(kind="file", uri=original.path, duration=original.duration)
        doc.audio = probe(target)
        if doc.segments or doc.diarization:
            run.notes.append("transcript and diarization of the original audio dropped: they no longer match it")
        doc.segments, doc.diarization, doc.speakers, doc.summary = [], [], [], None
        run.parameters.update(transforms=[s.as_dict() for s in specs], drawn=drawn, input_sha256=original.sha256,
                              input_channel=original.channel)
        if gain_db:
            run.parameters["output_gain_db"] = gain_db
        return doc


def fit_full_scale(samples: np.ndarray) -> tuple[np.ndarray, float]:
    """Scale down a result that peaks above full scale (instead of clipping it in the file); SNRs are kept."""
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if peak <= 1.0:
        return samples, 0.0
    return (samples / peak).astype(np.float32), round(-20 * float(np.log10(peak)), 4)


def write_audio(path: Path, samples: np.ndarray, sample_rate: int) -> Path:
    """FLAC (24-bit) or float WAV, written atomically; the encoders are deterministic, so equal samples
    give byte-identical files."""
    file_format, subtype = AUDIO_FORMATS[path.suffix.lower()]
    buffer = io.BytesIO()
    sf.write(buffer, samples, sample_rate, format=file_format, subtype=subtype)
    return atomic_write_bytes(path, buffer.getvalue())
