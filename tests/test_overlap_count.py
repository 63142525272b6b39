"""The offline pyannote pipeline's speaker count: overlap that a fifth of the windows see is kept."""

import numpy as np
import pytest

pytest.importorskip("pyannote.audio")

from pyannote.audio.pipelines.utils.diarization import SpeakerDiarizationMixin  # noqa: E402
from pyannote.core import SlidingWindow, SlidingWindowFeature  # noqa: E402

from speechkit.stages.diarize.pyannote import overlap_aware_count  # noqa: E402

FRAMES, WINDOWS = 100, 10


def windows_seeing(speakers_per_window: list[int]) -> tuple[SlidingWindowFeature, SlidingWindow]:
    """``WINDOWS`` windows over the same frames (step 0, so every window covers every frame), window
    ``i`` seeing ``speakers_per_window[i]`` local speakers active throughout."""
    data = np.zeros((WINDOWS, FRAMES, 3), dtype=np.float32)
    for window, speakers in enumerate(speakers_per_window):
        data[window, :, :speakers] = 1.0
    chunks = SlidingWindow(start=0.0, duration=1.0, step=1e-3)
    frames = SlidingWindow(start=0.0, duration=0.01, step=0.01)
    return SlidingWindowFeature(data, chunks), frames


@pytest.mark.parametrize("seen, published, ours", [
    ([0] * 10, 0, 0),                      # silence stays silence
    ([1] * 4 + [0] * 6, 0, 0),             # speech seen by 4 of 10 windows: not speech, as published
    ([1] * 10, 1, 1),
    ([2] * 1 + [1] * 9, 1, 1),             # one window in ten sees a second voice: still one speaker
    ([2] * 3 + [1] * 7, 1, 2),             # three in ten: pyannote drops the overlap, speechkit keeps it
    ([2] * 6 + [1] * 4, 2, 2),
])
def test_overlap_seen_by_a_fifth_of_the_windows_counts(seen, published, ours):
    binarized, frames = windows_seeing(seen)
    middle = FRAMES // 2
    assert SpeakerDiarizationMixin.speaker_count(binarized, frames, warm_up=(0.0, 0.0)).data[middle, 0] == published
    assert overlap_aware_count(binarized, frames, warm_up=(0.0, 0.0)).data[middle, 0] == ours
