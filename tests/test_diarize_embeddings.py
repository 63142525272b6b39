"""The diarizer's window embeddings: equal to pyannote's own when every window is embedded; reuse only for the same voice."""

import numpy as np
import pytest
import soundfile as sf

from speechkit.stages.diarize.embeddings import neighbour


def test_a_window_reuses_the_neighbour_speaker_that_shares_its_voice():
    frames, shift = 100, 10.0
    masks = np.zeros((3, frames, 3), dtype=np.float32)
    masks[0, 30:90, 2] = 1  # anchor 0: local speaker 2 speaks at chunk-0 frames 30-90
    masks[1, 20:80, 0] = 1  # chunk 1 starts 10 frames later: the same stretch, under local id 0
    masks[1, 92:100, 1] = 1  # a voice in chunk 1's last frames only, which anchor 0 never hears
    masks[2, 82:90, 1] = 1  # ... but anchor 2 (10 frames later) does
    assert neighbour(masks, 1, 0, [0, 2], shift) == (0, 2)
    assert neighbour(masks, 1, 1, [0, 2], shift) == (2, 1)
    assert neighbour(masks, 1, 1, [0], shift) is None


@pytest.mark.slow
def test_every_window_embedded_equals_pyannotes_own_embeddings(data_dir, tmp_path, monkeypatch):
    """Stride 1: ONNX CAM++ on filterbanks sliced from one pass gives what pyannote's per-window torch path gives."""
    import torch
    from pyannote.audio.pipelines import SpeakerDiarization

    from speechkit.stages.diarize.pyannote import _offline_pipeline

    monkeypatch.setenv("SPEECHKIT_CACHE", str(tmp_path))
    pipeline = _offline_pipeline()
    samples, rate = sf.read(data_dir / "sample.wav", dtype="float32")
    file = {"waveform": torch.from_numpy(samples)[None], "sample_rate": rate, "uri": "sample"}
    segmentation = pipeline.get_segmentations(file)
    pyannotes = SpeakerDiarization.get_embeddings(pipeline, file, segmentation, exclude_overlap=True)
    pipeline.embedding_stride = 1
    ours = pipeline.get_embeddings(file, segmentation, exclude_overlap=True)
    assert np.array_equal(np.isnan(ours), np.isnan(pyannotes)) and not np.isnan(ours).all()
    assert np.allclose(np.nan_to_num(ours), np.nan_to_num(pyannotes), atol=1e-3)
    assert list((tmp_path / "onnx").glob("campplus-*.onnx")) and list((tmp_path / "onnx").glob("segmentation-3.0-*.onnx"))
