"""Speaker names in ``speechkit run`` and pipeline configs: stored from the diarize stage on and shown in
every text report, ids kept in JSON segments and RTTM; an unknown id fails as ``diarize --speaker-names``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from speechkit.models import cache
from speechkit.pipeline import load_config, run_pipeline
from speechkit.pipeline.config import ConfigError
from speechkit.schema import Document
from speechkit.speakers.names import SpeakerNamesError
from tests import fakes

SPEECHKIT = str(Path(sys.executable).parent / "speechkit")
TEXT_FORMATS = ("srt", "vtt", "txt", "md")
FAKE_STAGES = [{"stage": "transcribe", "backend": "fake"}, {"stage": "diarize", "backend": "fake"}]


@pytest.fixture
def fake(tmp_path, monkeypatch):
    fakes.install(tmp_path, monkeypatch)
    cache.clear()
    yield
    cache.clear()


def write_config(path: Path, stages: list[dict], formats: list[str], **extra) -> Path:
    path.write_text(yaml.safe_dump({"name": "t", "stages": stages, "report": {"formats": formats}, **extra}))
    return path


def names_of(path: Path) -> dict[str, str | None]:
    return {s.id: s.name for s in Document.load(path).speakers}


# --- the config -------------------------------------------------------------------------------------

@pytest.mark.parametrize("given", [{"SPEAKER_00": "Diane", "SPEAKER_01": "Sheila"}, "SPEAKER_00=Diane,SPEAKER_01=Sheila",
                                   "names.yaml"])
def test_config_takes_a_mapping_a_pairs_string_or_a_file_relative_to_the_config(fake, tmp_path, monkeypatch, given):
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "names.yaml").write_text("SPEAKER_00: Diane\nSPEAKER_01: Sheila\n")
    config = write_config(folder / "c.yaml", FAKE_STAGES, ["json"], speaker_names=given)
    monkeypatch.chdir(tmp_path)  # not the config's folder
    assert load_config(config).speaker_names == {"SPEAKER_00": "Diane", "SPEAKER_01": "Sheila"}


@pytest.mark.parametrize("stages, given, problem", [
    (FAKE_STAGES[:1], {"SPEAKER_00": "Diane"}, "config: speaker_names: this config has no diarize stage"),
    (FAKE_STAGES, "Diane", "speaker_names: .*expected ID=Name"),
    (FAKE_STAGES, "missing.yaml", "speaker_names: .*missing.yaml"),
    (FAKE_STAGES, ["Diane"], "speaker_names: "),
])
def test_bad_speaker_names_in_a_config_name_the_file_and_the_key(fake, tmp_path, stages, given, problem):
    config = write_config(tmp_path / "bad.yaml", stages, ["json"], speaker_names=given)
    with pytest.raises(ConfigError, match=f"^{config}: {problem}"):
        load_config(config)


# --- a run ------------------------------------------------------------------------------------------

def test_names_are_stored_from_diarize_on_and_shown_in_every_text_report(fake, tone_wav, tmp_path):
    stages = [*FAKE_STAGES, {"stage": "align", "backend": "fake"}]  # a stage after diarize keeps them
    config = write_config(tmp_path / "c.yaml", stages, [*TEXT_FORMATS, "html", "json", "rttm"],
                          speaker_names={"SPEAKER_00": "Diane", "SPEAKER_01": "Sheila"})
    out = tmp_path / "out"
    [job] = run_pipeline(load_config(config), tone_wav, out).jobs
    assert names_of(out / "tone.transcribe.json") == {}
    assert names_of(out / "tone.diarize.json") == names_of(out / "tone.align.json") == {"SPEAKER_00": "Diane", "SPEAKER_01": "Sheila"}
    for fmt in TEXT_FORMATS:
        text = (out / f"tone.{fmt}").read_text()
        assert "Diane" in text and "SPEAKER_00" not in text, fmt
    assert ">Diane</span>" in (out / "tone.html").read_text()
    assert "SPEAKER_00" in (out / "tone.rttm").read_text(), "RTTM keeps the ids"
    assert {s.speaker for s in Document.load(out / "tone.json").segments} == {"SPEAKER_00"}, "so does the JSON"


def test_changed_names_rerun_diarize_and_the_same_names_skip_it(fake, tone_wav, tmp_path):
    out = tmp_path / "out"
    config = lambda names: load_config(write_config(tmp_path / "c.yaml", FAKE_STAGES, ["srt"],  # noqa: E731
                                                    speaker_names=names))
    run_pipeline(config({"SPEAKER_00": "Diane"}), tone_wav, out)
    [same] = run_pipeline(config({"SPEAKER_00": "Diane"}), tone_wav, out).jobs
    assert same.skipped == ["transcribe", "diarize"]
    [renamed] = run_pipeline(config({"SPEAKER_00": "Dee"}), tone_wav, out).jobs
    assert renamed.skipped == ["transcribe"] and renamed.ran == ["diarize"]
    assert names_of(out / "tone.diarize.json")["SPEAKER_00"] == "Dee" and "[Dee]:" in (out / "tone.srt").read_text()


def test_a_name_for_a_speaker_the_diarization_did_not_find_fails_and_writes_no_diarize_document(fake, tone_wav, tmp_path):
    config = write_config(tmp_path / "c.yaml", FAKE_STAGES, ["srt"], speaker_names={"SPEAKER_07": "Diane"})
    with pytest.raises(SpeakerNamesError, match=r"^no speaker SPEAKER_07 in this document \(speakers: SPEAKER_00, SPEAKER_01\)$"):
        run_pipeline(load_config(config), tone_wav, tmp_path / "out")
    assert not (tmp_path / "out" / "tone.diarize.json").exists() and not (tmp_path / "out" / "tone.srt").exists()


def test_cli_speaker_names_replace_the_configs_and_a_bad_one_is_one_line(fake, tone_wav, tmp_path):
    config = write_config(tmp_path / "c.yaml", FAKE_STAGES, ["srt"], speaker_names={"SPEAKER_00": "Diane"})
    (tmp_path / "here.yaml").write_text("SPEAKER_01: Sheila\n")
    run = lambda *args: subprocess.run([SPEECHKIT, "run", str(config), "-i", str(tone_wav), "-d", str(tmp_path / "out"),  # noqa: E731
                                        *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    done = run("--speaker-names", "SPEAKER_00=Dee")
    assert done.returncode == 0, done.stderr
    assert "[Dee]:" in (tmp_path / "out" / "tone.srt").read_text()
    done = run("--speaker-names", "here.yaml")  # relative to the working directory, as for diarize
    assert done.returncode == 0, done.stderr
    assert names_of(tmp_path / "out" / "tone.diarize.json") == {"SPEAKER_00": None, "SPEAKER_01": "Sheila"}
    for args, line in ((["--speaker-names", "SPEAKER_05=X"], "speechkit: error: no speaker SPEAKER_05 in this document "
                                                                  "(speakers: SPEAKER_00, SPEAKER_01)"),
                       (["--speaker-names", "Dee"], "speechkit: error: --speaker-names 'Dee': expected ID=Name")):
        done = run(*args)
        assert done.returncode == 2 and done.stderr.strip().splitlines()[-1].startswith(line), done.stderr


# --- the real pipeline ------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_real_run_names_pyannotes_speakers_in_the_documents_and_reports(data_dir, tmp_path):
    config = write_config(tmp_path / "c.yaml", [
        {"stage": "transcribe", "backend": "faster-whisper", "options": {"model": "tiny.en", "language": "en"}},
        {"stage": "diarize", "backend": "pyannote", "options": {"num_speakers": 2, "threads": 1}},
    ], ["srt", "md", "txt", "vtt", "html", "json", "rttm"])
    out = tmp_path / "out"
    done = subprocess.run([SPEECHKIT, "run", str(config), "-i", str(data_dir / "sample.wav"), "-d", str(out),
                           "--speaker-names", "SPEAKER_00=Diane,SPEAKER_01=Sheila"],
                          capture_output=True, text=True, timeout=900, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr
    doc = Document.load(out / "sample.diarize.json")
    assert {s.id: s.name for s in doc.speakers} == {"SPEAKER_00": "Diane", "SPEAKER_01": "Sheila"}
    assert {w.speaker for w in doc.word_segments} == {"SPEAKER_00", "SPEAKER_01"}, "the ids stay on the words"
    assert Document.load(out / "sample.json").speakers == doc.speakers
    for fmt in ("srt", "md", "txt", "vtt"):
        text = (out / f"sample.{fmt}").read_text()
        assert "Diane" in text and "Sheila" in text and "SPEAKER_0" not in text, fmt
    srt_speakers = {line.split("]:")[0] for line in (out / "sample.srt").read_text().splitlines() if line.startswith("[")}
    assert srt_speakers == {"[Diane", "[Sheila"}
    assert "SPEAKER_00" in (out / "sample.rttm").read_text()
