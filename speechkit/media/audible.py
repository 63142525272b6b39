"""Whether a block of audio holds speech, decided by speech and not by level; quiet speech raised to be heard.

Whisper normalises its log-mel input, so a sentence recorded far from the microphone or on a low-gain
recorder (loudest frame -60 dBFS) is as clear to it as a studio recording: a level threshold threw
such recordings away as silence. Silero VAD, which faster-whisper also runs to find the speech it
decodes, misses speech that quiet (the shared read utterances 52 dB down: none found in most), but
finds all of it once the level is raised. So: nothing recorded (digital silence) is never decoded; a
quiet block is raised to a normal level and decoded only when the VAD hears speech in it, so that
quiet noise, where Whisper hallucinates "Thank you.", stays undecoded; a block at a normal level is
decoded as it is, its own decoder judging what is speech (as before, so those documents are unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from speechkit.media.audio import SAMPLE_RATE, peak_dbfs

DIGITAL_SILENCE_DBFS = -90.0
"""Loudest 30 ms frame below this: nothing was recorded (16-bit audio's smallest step is -96 dBFS)."""
QUIET_DBFS = -45.0
"""Loudest frame below this: a quiet recording, raised before anything listens to it. The shared read
speech peaks at -21 to -5 dBFS and is decoded as well 20 dB down (-41 dBFS) as at its own level; 40 dB
down (near -61 dBFS) Silero misses parts of it and the decoder's words change, 52 dB down it hears none."""
TARGET_DBFS = -20.0
"""The loudest frame of a raised block: a close microphone's level."""
MIN_SPEECH_MS = 250
"""The shortest stretch the VAD must hear to call a quiet block speech (Silero's own default)."""


@dataclass(frozen=True)
class Audible:
    """Samples to decode, and the gain (dB) they were raised by (0 for a block at a normal level)."""

    samples: np.ndarray
    gain_db: float
    peak_dbfs: float


def speech_spans(samples: np.ndarray, sample_rate: int = SAMPLE_RATE, **vad: Any) -> list[tuple[float, float]]:
    """Silero VAD's speech in ``samples``, in seconds: faster-whisper's copy (already loaded for decoding),
    with ``vad`` as its ``VadOptions`` (each caller asks its own question of it)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(samples.astype(np.float32, copy=False), VadOptions(**vad), sampling_rate=sample_rate)
    return [(t["start"] / sample_rate, t["end"] / sample_rate) for t in found]


def has_speech(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bool:
    """Silero VAD hears at least one stretch of speech of :data:`MIN_SPEECH_MS`."""
    return bool(speech_spans(samples, sample_rate, min_speech_duration_ms=MIN_SPEECH_MS, speech_pad_ms=0))


def audible(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Audible | None:
    """The block as it should be heard (raised when quiet), or None when it holds no speech to decode."""
    peak = float(peak_dbfs(samples, sample_rate))
    if peak < DIGITAL_SILENCE_DBFS:
        return None
    if peak >= QUIET_DBFS:
        return Audible(samples, 0.0, peak)
    gain = float(TARGET_DBFS - peak)
    raised = np.clip(samples * np.float32(10 ** (gain / 20)), -1.0, 1.0).astype(np.float32)
    return Audible(raised, gain, peak) if has_speech(raised, sample_rate) else None


def raised_note(blocks: list[Audible]) -> str | None:
    """The provenance note for quiet blocks that were raised before decoding, if any were."""
    raised = [b for b in blocks if b.gain_db > 0]
    if not raised:
        return None
    quietest = min(raised, key=lambda b: b.peak_dbfs)
    return (f"quiet audio (loudest frame {quietest.peak_dbfs:.0f} dBFS): level raised by "
            f"{quietest.gain_db:.0f} dB before decoding" + (f" in {len(raised)} block(s)" if len(blocks) > 1 else ""))
