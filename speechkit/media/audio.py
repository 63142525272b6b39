"""Decoding any audio or video file into float32 samples, with errors that name the file and the problem.

Decoding goes through PyAV (FFmpeg's libraries in a wheel), as faster-whisper does, so no
``ffmpeg`` binary is needed to read input.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from speechkit.errors import AudioError
from speechkit.schema import Audio

SAMPLE_RATE = 16000
"""Whisper, pyannote and wav2vec2 all work at 16 kHz."""

_TRUNCATION_TOLERANCE = 0.9

RATE_RANGE = (1000, 768_000)
"""Sample rates a real recording has; a header outside them (a 1 Hz WAV) would resample into gigabytes."""
MAX_CHANNELS = 64
MAX_HOURS = 24.0


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioError(f"{path}: no such file")
    if not path.is_file():
        raise AudioError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: empty file (0 bytes)")


def _open(path: Path) -> av.container.InputContainer:
    _check_file(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise AudioError(f"{path}: not a decodable audio or video file ({exc.strerror or exc})") from None
    if not container.streams.audio:
        container.close()
        raise AudioError(f"{path}: contains no audio stream")
    try:
        _check_header(path, container)
    except AudioError:
        container.close()
        raise
    return container


def _check_header(path: Path, container: av.container.InputContainer) -> None:
    """Refuse, before decoding, what no recording declares: memory would follow the header, not the file."""
    stream = container.streams.audio[0]
    low, high = RATE_RANGE
    if not low <= (stream.rate or 0) <= high:
        raise AudioError(f"{path}: implausible sample rate {stream.rate} Hz in the header "
                         f"(speechkit reads {low}-{high} Hz)")
    if (stream.codec_context.channels or 1) > MAX_CHANNELS:
        raise AudioError(f"{path}: {stream.codec_context.channels} channels in the header (at most {MAX_CHANNELS})")
    declared = _declared_duration(container)
    if declared and declared > MAX_HOURS * 3600:
        raise AudioError(f"{path}: the header declares {declared / 3600:.1f} hours (at most {MAX_HOURS:g} h)")


def _wav_shortfall(path: Path) -> tuple[int, int] | None:
    """(declared, present) bytes of a RIFF/WAVE file's ``data`` chunk when the file is cut short, else None.

    FFmpeg decodes a cut WAV without complaint and reports the shorter length, so a partial
    transcript would pass for a whole one; the header still says how long the file should be.
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if fh.read(12)[8:12] != b"WAVE":
            return None
        while True:
            header = fh.read(8)
            if len(header) < 8:
                return None
            chunk, length = header[:4], struct.unpack("<I", header[4:])[0]
            if chunk == b"data":
                present = size - fh.tell()
                # 0 and 0xFFFFFFFF mean "unknown" (a stream written without seeking back)
                return (length, present) if length not in (0, 0xFFFFFFFF) and present < length else None
            fh.seek(length + (length & 1), 1)


def _audio_duration(container: av.container.InputContainer) -> float | None:
    """The audio's own declared length, for the truncation check; None when only the container's is known
    and the container also holds video (Matroska/WebM give no per-stream length, and a video may simply
    outlast its sound)."""
    stream = container.streams.audio[0]
    if stream.duration is None and container.streams.video:
        return None
    return _declared_duration(container)


def _declared_duration(container: av.container.InputContainer) -> float | None:
    stream = container.streams.audio[0]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def probe(path: str | Path, channel: str | None = None, checksum: bool = True) -> Audio:
    """Describe a file without decoding it all (the checksum reads it once, streamed)."""
    path = Path(path)
    with _open(path) as container:
        stream = container.streams.audio[0]
        info = Audio(
            path=str(path.resolve()),
            sample_rate=stream.rate,
            channels=stream.codec_context.channels,
            duration=_declared_duration(container),
            codec=stream.codec_context.name,
            channel=channel,
        )
    cut = _wav_shortfall(path)
    if cut is not None:
        raise AudioError(f"{path}: truncated WAV: the header declares {cut[0]:,} bytes of audio "
                         f"but the file holds {cut[1]:,}")
    if channel is not None:
        channel_index(channel, info.channels or 1, path)
    if checksum:
        info.sha256 = sha256(path)
    return info


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def channel_index(channel: str, n_channels: int, path: Path | str = "<audio>") -> int | None:
    """Map ``left``/``right``/``mix``/an index to a channel index (None means a mono mix)."""
    name = str(channel).lower()
    if name in ("mix", "mono"):
        return None
    index = {"left": 0, "right": 1}.get(name)
    if index is None:
        try:
            index = int(name)
        except ValueError:
            raise AudioError(f"{path}: unknown channel {channel!r} (use left, right, mix or an index)") from None
    if not 0 <= index < n_channels:
        raise AudioError(f"{path}: channel {channel!r} does not exist (the file has {n_channels} channel(s))")
    return index


def iter_audio(path: str | Path, sample_rate: int = SAMPLE_RATE, channel: str | None = None,
               chunk_seconds: float = 30.0) -> Iterator[np.ndarray]:
    """Yield float32 mono chunks of about ``chunk_seconds``, so hour-long files stay in bounded memory."""
    path = Path(path)
    chunk = max(1, int(chunk_seconds * sample_rate))
    with _open(path) as container:
        stream = container.streams.audio[0]
        n_channels = stream.codec_context.channels or 1
        index = channel_index(channel, n_channels, path) if channel is not None else None
        layout = "mono" if index is None else stream.layout.name
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=sample_rate)
        pending: list[np.ndarray] = []
        held = 0
        decoded = 0
        try:
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler re-time frames with gaps
                for out in resampler.resample(frame):
                    block = out.to_ndarray()[0 if index is None else index]
                    pending.append(block)
                    held += block.size
                    while held >= chunk:
                        data = np.concatenate(pending)
                        yield data[:chunk].astype(np.float32, copy=False)
                        decoded += chunk
                        pending, held = [data[chunk:]], data.size - chunk
            for out in resampler.resample(None):
                block = out.to_ndarray()[0 if index is None else index]
                pending.append(block)
        except av.error.FFmpegError as exc:
            raise AudioError(f"{path}: corrupt or truncated audio, decoding failed after "
                             f"{(decoded + held) / sample_rate:.1f} s ({exc.strerror or exc})") from None
        tail = np.concatenate(pending).astype(np.float32, copy=False) if pending else np.zeros(0, np.float32)
        decoded += tail.size
        if decoded == 0:
            raise AudioError(f"{path}: contains no audio samples (zero-length audio)")
        declared = _audio_duration(container)
        if declared and declared > 1.0 and decoded / sample_rate < _TRUNCATION_TOLERANCE * declared:
            raise AudioError(f"{path}: truncated audio: the header declares {declared:.1f} s "
                             f"but only {decoded / sample_rate:.1f} s could be decoded")
        if tail.size:
            yield tail


def load_audio(path: str | Path, sample_rate: int = SAMPLE_RATE, channel: str | None = None) -> np.ndarray:
    """Decode a whole file to float32 mono at ``sample_rate`` (a channel, or the mix of all)."""
    return np.concatenate(list(iter_audio(path, sample_rate, channel, chunk_seconds=600.0)))


def peak_dbfs(samples: np.ndarray, sample_rate: int = SAMPLE_RATE, frame_seconds: float = 0.03) -> float:
    """Loudness of the loudest short frame, in dB relative to full scale."""
    frame = max(1, int(frame_seconds * sample_rate))
    n = samples.size // frame
    if n == 0:
        rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    else:
        frames = samples[: n * frame].reshape(n, frame).astype(np.float64)
        rms = float(np.sqrt(np.mean(frames**2, axis=1)).max())
    return 20 * np.log10(max(rms, 1e-12))
