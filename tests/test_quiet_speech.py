"""Real speech is never lost: a quiet recording is speech, not silence, and a word said five times stays five.

Silence and noise still give an empty transcript (Whisper hallucinates "Thank you." on them).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import speechkit
from speechkit.media.audible import TARGET_DBFS, audible
from speechkit.media.audio import SAMPLE_RATE, load_audio, peak_dbfs
from speechkit.metrics.wer import normalize, wer
from speechkit.stress.worker import in_memory

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."


def quieter(samples: np.ndarray, db: float) -> np.ndarray:
    """``db`` dB down, rounded to 16 bits as a quiet recorder would store it."""
    return (np.round(samples * 10 ** (db / 20) * 32768) / 32768).astype(np.float32)


def transcribe(stage, samples: np.ndarray) -> speechkit.Document:
    doc, audio = in_memory("test", samples)
    return stage(doc, audio=audio)


@pytest.fixture(scope="module")
def tiny():
    return speechkit.load("transcribe", "faster-whisper", model="tiny.en", language="en")


def test_silence_and_quiet_noise_are_not_heard_and_quiet_speech_is_raised():
    jfk = load_audio(DATA / "jfk.flac")
    assert audible(np.zeros(SAMPLE_RATE * 3, np.float32)) is None
    noise = load_audio(DATA / "noise" / "sc_running_tap.flac")[: SAMPLE_RATE * 20]
    assert audible(quieter(noise, -20)) is None
    loud = audible(jfk)
    assert loud is not None and loud.gain_db == 0 and loud.samples is jfk  # a normal level is left as it is
    quiet = audible(quieter(jfk, -52))
    assert quiet is not None and quiet.gain_db > 30
    assert peak_dbfs(quiet.samples) == pytest.approx(TARGET_DBFS, abs=0.5)


@pytest.mark.slow
def test_jfk_52_db_down_gives_at_least_what_raw_faster_whisper_gives(tiny):
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    quiet = quieter(load_audio(DATA / "jfk.flac"), -52)
    assert peak_dbfs(quiet) < -55  # quieter than the old silence threshold
    doc = transcribe(tiny, quiet)
    raw_model = BatchedInferencePipeline(WhisperModel(doc.provenance[-1].model_path, device="cpu", compute_type="int8"))
    segments, _ = raw_model.transcribe(quiet, language="en", beam_size=5, word_timestamps=True, vad_filter=True,
                                       batch_size=8)
    raw = "".join(s.text for s in segments)
    assert "for your country" in normalize(doc.text)
    assert wer(JFK, doc.text) <= wer(JFK, raw)
    assert wer(JFK, doc.text) < 0.2, doc.text  # raised to a normal level, the whole sentence is heard
    assert any("level raised by" in note for note in doc.provenance[-1].notes)


@pytest.mark.slow
def test_five_deliberate_repetitions_of_a_word_are_kept(tiny):
    """One real word cut out of a read utterance by its word times and said five times with natural gaps."""
    path = DATA / "english" / "kathleen" / "kathleen_arctic_a0001.flac"  # "Author of the danger trail, Philip Steels"
    words = [w for s in tiny(speechkit.read(path)).segments for w in s.words]
    word = next(w for w in words if normalize(w.word) == "deals")
    samples = load_audio(path)[int(word.start * SAMPLE_RATE):int(word.end * SAMPLE_RATE)]
    gap = np.zeros(int(0.4 * SAMPLE_RATE), np.float32)
    doc = transcribe(tiny, np.concatenate([gap, *[np.concatenate([samples, gap]) for _ in range(5)]]))
    assert normalize(doc.text).split() == ["deals"] * 5
    assert not any("loop" in note for note in doc.provenance[-1].notes)


@pytest.mark.slow
def test_silence_and_noise_still_give_an_empty_transcript(tiny):
    silence = transcribe(tiny, np.zeros(SAMPLE_RATE * 5, np.float32))
    assert silence.segments == [] and "audio is silent: nothing decoded" in silence.provenance[-1].notes
    babble = load_audio(DATA / "noise" / "sb_noise4.flac")  # raw batched decoding hears "you" in it
    for level in (0, -40):
        doc = transcribe(tiny, quieter(babble, level))
        assert doc.text == "", (level, doc.text)


@pytest.mark.slow
def test_stress_hears_quiet_speech_as_transcribe_does():
    """A stress cell 52 dB down goes through the same stage: raised and decoded, not refused as silent."""
    from speechkit.stress import make_input, parse_config, plan
    from speechkit.stress.worker import compute_cell

    config = parse_config({"models": ["tiny.en"], "seeds": [0], "transcribe": {"language": "en"},
                           "conditions": {"quiet": {"vary": "gain_db", "levels": [-52],
                                                    "transforms": [{"gain": {"p": 1.0}}]}}})
    cell = next(c for c in plan(config, [make_input(DATA / "jfk.flac", JFK)]) if c.condition == "quiet")
    result = compute_cell(cell)
    assert result["wer"] < 0.2, result["hypothesis"]
