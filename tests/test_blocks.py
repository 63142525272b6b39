"""Long recordings are transcribed block by block, cut at quiet moments, never decoded whole."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

import speechkit
from speechkit.media import samples
from speechkit.media.audio import SAMPLE_RATE
from speechkit.media.samples import quiet_cuts
from tests import fakes


def bursts(seconds: int, quiet_at: list[float]) -> np.ndarray:
    """A loud tone with 0.2 s of silence at each of ``quiet_at``."""
    t = np.arange(seconds * SAMPLE_RATE) / SAMPLE_RATE
    audio = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    for at in quiet_at:
        audio[int(at * SAMPLE_RATE):int((at + 0.2) * SAMPLE_RATE)] = 0.0
    return audio


def test_block_boundaries_move_back_to_the_quietest_moment_and_lose_nothing() -> None:
    audio = bursts(25, quiet_at=[7.5, 18.0])
    blocks = [audio[i:i + 10 * SAMPLE_RATE] for i in range(0, audio.size, 10 * SAMPLE_RATE)]
    cut = list(quiet_cuts(blocks, search_seconds=4.0))
    assert np.array_equal(np.concatenate(cut), audio), "every sample kept, in order"
    ends = np.cumsum([b.size for b in cut])[:-1] / SAMPLE_RATE
    assert 7.5 <= ends[0] <= 7.7 and 18.0 <= ends[1] <= 18.2, ends


def test_a_file_longer_than_a_block_streams_and_its_segments_are_in_recording_time(tmp_path, monkeypatch) -> None:
    fakes.install(tmp_path, monkeypatch)
    path = tmp_path / "long.flac"
    sf.write(path, bursts(75, quiet_at=[28.0, 58.0]), SAMPLE_RATE)
    monkeypatch.setattr(samples, "load_audio", lambda *a, **k: pytest.fail("a long file was decoded whole"))
    doc = speechkit.load("transcribe", "fake", text="one two three", block_seconds=30)(speechkit.read(path))
    starts = [s.start for s in doc.segments]
    assert len(starts) == 3 and starts[0] == 0.0 and 28.0 <= starts[1] <= 28.2 and 58.0 <= starts[2] <= 58.2
    assert doc.segments[-1].end == pytest.approx(75.0, abs=0.01)
    assert all(w.start >= s.start and w.end <= s.end for s in doc.segments for w in s.words)
