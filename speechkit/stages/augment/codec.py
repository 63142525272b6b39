"""Lossy codec round trip (mp3, opus, AMR-NB, G.711 mu-law, AAC) through PyAV's bundled FFmpeg.

audiomentations' Mp3Compression needs a backend that is not installed here (fast-mp3-augment,
lameenc, or pydub plus an ffmpeg binary); PyAV already ships the encoders, in memory, and also
covers the telephone codecs. A GSM full-rate encoder is not in PyAV's build, so AMR-NB, the codec
of GSM/3G voice calls, is the "GSM-like" one.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import av
import numpy as np
from audiomentations.core.transforms_interface import BaseWaveformTransform
from numpy.typing import NDArray
from scipy.signal import correlate


@dataclass(frozen=True)
class CodecSpec:
    container: str
    encoder: str
    sample_rate: int
    bitrates_kbps: tuple[float, ...] | None = None
    """The only bitrates the encoder accepts (a drawn bitrate snaps to the nearest); None: any."""


MAX_DELAY_SECONDS = 0.1
"""Longer than any of these codecs' delay (AAC's 1024 samples is the longest)."""

CODECS = {
    "mp3": CodecSpec("mp3", "libmp3lame", 16000),
    "opus": CodecSpec("ogg", "libopus", 16000),
    "amr-nb": CodecSpec("amr", "libopencore_amrnb", 8000, (4.75, 5.15, 5.9, 6.7, 7.4, 7.95, 10.2, 12.2)),
    "mulaw": CodecSpec("wav", "pcm_mulaw", 8000, (64.0,)),
    "aac": CodecSpec("adts", "aac", 16000),
}


class Codec(BaseWaveformTransform):
    """Encode and decode again at a bitrate drawn from [min_bitrate, max_bitrate] kbit/s."""

    supports_multichannel = False

    def __init__(self, codec: str = "mp3", min_bitrate: float = 8.0, max_bitrate: float = 64.0, p: float = 0.5):
        super().__init__(p)
        if codec not in CODECS:
            raise ValueError(f"unknown codec {codec!r} (codecs: {', '.join(CODECS)})")
        if min_bitrate > max_bitrate:
            raise ValueError("min_bitrate must not be greater than max_bitrate")
        self.codec = codec
        self.min_bitrate = min_bitrate
        self.max_bitrate = max_bitrate

    def randomize_parameters(self, samples: NDArray[np.float32], sample_rate: int) -> None:
        super().randomize_parameters(samples, sample_rate)
        if self.parameters["should_apply"]:
            kbps = random.uniform(self.min_bitrate, self.max_bitrate)
            allowed = CODECS[self.codec].bitrates_kbps
            if allowed:
                kbps = min(allowed, key=lambda b: abs(b - kbps))
            self.parameters["bitrate_kbps"] = round(kbps, 2)

    def apply(self, samples: NDArray[np.float32], sample_rate: int) -> NDArray[np.float32]:
        spec = CODECS[self.codec]
        encoded = _encode(samples, sample_rate, spec, self.parameters["bitrate_kbps"])
        decoded = _decode(encoded, spec.container, sample_rate)
        # Encoders add delay (priming, look-ahead) and pad to whole frames: realign and keep the
        # input's length, so words keep their times and later transforms and SNRs line up.
        delay = _delay(samples, decoded, int(MAX_DELAY_SECONDS * sample_rate))
        self.parameters["delay_samples"] = delay
        out = np.zeros_like(samples)
        kept = decoded[delay: delay + len(out)]
        out[: len(kept)] = kept
        return out


def _delay(reference: NDArray[np.float32], delayed: NDArray[np.float32], max_lag: int) -> int:
    """The lag (0..max_lag samples) at which ``delayed`` best matches ``reference``."""
    if not len(reference) or not len(delayed):
        return 0
    corr = correlate(delayed[: len(reference) + max_lag], reference, mode="full", method="fft")
    lags = corr[len(reference) - 1: len(reference) + max_lag]
    return int(np.argmax(lags))


def _encode(samples: NDArray[np.float32], sample_rate: int, spec: CodecSpec, kbps: float) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=spec.container) as container:
        stream = container.add_stream(spec.encoder, rate=spec.sample_rate, layout="mono")
        stream.bit_rate = int(kbps * 1000)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples[None, :], dtype=np.float32),
                                           format="flt", layout="mono")
        frame.sample_rate = sample_rate
        resampler = av.AudioResampler(format=stream.codec_context.format, layout="mono", rate=spec.sample_rate)
        for chunk in [*resampler.resample(frame), *resampler.resample(None), None]:
            for packet in stream.encode(chunk):
                container.mux(packet)
    return buffer.getvalue()


def _decode(data: bytes, container_format: str, sample_rate: int) -> NDArray[np.float32]:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
    blocks = []
    with av.open(io.BytesIO(data), "r", format=container_format) as container:
        for frame in container.decode(audio=0):
            frame.pts = None
            blocks.extend(out.to_ndarray()[0] for out in resampler.resample(frame))
    blocks.extend(out.to_ndarray()[0] for out in resampler.resample(None))
    return np.concatenate(blocks).astype(np.float32) if blocks else np.zeros(0, np.float32)
