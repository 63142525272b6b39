"""SpecAugment-style masking inside the real faster-whisper backend (tiny.en on jfk.flac)."""

import pytest

from speechkit.inputs.documents import document_from_audio
from speechkit.metrics.wer import wer
from speechkit.registry import load_backend
from tests.conftest import JFK_TEXT

HEAVY = {"time_masks": 12, "min_time_width": 30, "max_time_width": 40, "freq_masks": 2, "max_freq_width": 20}


@pytest.mark.slow
def test_feature_masks_degrade_recognition_reproducibly(data_dir):
    doc = document_from_audio(data_dir / "jfk.flac")
    backend = load_backend("transcribe", "faster-whisper")
    clean = backend(model="tiny.en", language="en")(doc)
    masked = [backend(model="tiny.en", language="en", feature_mask={**HEAVY, "seed": s})(doc) for s in (1, 1, 2)]

    assert wer(JFK_TEXT, clean.text) <= 0.1
    assert wer(JFK_TEXT, masked[0].text) > wer(JFK_TEXT, clean.text) + 0.1, masked[0].text
    assert masked[0].text == masked[1].text, "same seed, same masks, same transcript"
    drawn = [m.provenance[-1].parameters["feature_masks_drawn"] for m in masked]
    assert drawn[0] == drawn[1] != drawn[2]
    assert all(len(call["time"]) == 12 and call["should_apply"] for call in drawn[0])
    assert "feature_masks_drawn" not in clean.provenance[-1].parameters
