"""A small copy of the audio inside the page, for a report shared without its recording.

The source is decoded to 16 kHz mono (as the stages hear it) and encoded as Opus in Ogg at a speech
bitrate through PyAV, already used for decoding: about a tenth of the 16-bit WAV's size, played
natively by every current browser, and carried as a ``data:`` URI on the player.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import av
import numpy as np

from speechkit.media.audio import SAMPLE_RATE, load_audio
from speechkit.schema import Document

BITRATE = 24_000
"""Bits per second: clear speech in Opus, 3 kB per second of audio."""


def opus_bytes(samples: np.ndarray, sample_rate: int = SAMPLE_RATE, bitrate: int = BITRATE) -> bytes:
    """Mono float32 ``samples`` as an Ogg/Opus file."""
    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=sample_rate, layout="mono")
        stream.bit_rate = bitrate
        mono = np.ascontiguousarray(samples, np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(mono, format="flt", layout="mono")
        frame.sample_rate = sample_rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return out.getvalue()


def embed_source(doc: Document) -> Path | None:
    """The file to embed: the local source, else the audio the stages worked on (a download)."""
    if doc.source is not None and doc.source.kind == "file":
        return Path(doc.source.uri)
    return Path(doc.audio.path) if doc.audio else None


def audio_data_uri(path: str | Path) -> str:
    """``data:audio/ogg;base64,...`` of ``path``, compressed as :func:`opus_bytes`."""
    return "data:audio/ogg;base64," + base64.b64encode(opus_bytes(load_audio(path))).decode("ascii")
