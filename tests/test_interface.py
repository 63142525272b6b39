"""Backend interface v2 with weightless fakes: typed options checked before anything loads, one model load
for many documents, one audio decode per pipeline run, progress through a hook, the Python API."""

from __future__ import annotations

import subprocess
import sys
import json
from pathlib import Path

import pytest
import yaml

import speechkit
from speechkit.media import samples
from speechkit.errors import OptionsError
from speechkit.models import cache
from speechkit.pipeline import load_config, run_pipeline
from speechkit.registry import load_backend
from speechkit.schema import Document
from speechkit.stages.transcribe.common import pick_device
from speechkit.stress import make_input, parse_config, run_stress
from speechkit.stress.config import StressConfigError
from speechkit.stress.worker import run_cell
from tests import fakes

SPEECHKIT = str(Path(sys.executable).parent / "speechkit")


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """The fake backends registered, and a model cache and load log of their own."""
    fakes.install(tmp_path, monkeypatch)
    cache.clear()
    fakes.LOADS.clear()
    yield
    cache.clear()


def write_config(path: Path, stages: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"name": "t", "stages": stages, "report": {"formats": ["json"]}}))
    return path


MODULES_PROBE = """
import json, sys
from speechkit.cli import main
out, sys.argv = sys.argv[1], ["speechkit", *sys.argv[2:]]
try:
    main()
finally:
    with open(out, "w") as f:
        json.dump(sorted({m.split(".")[0] for m in sys.modules}), f)
"""
"""Runs the CLI, then writes the top-level packages the process imported."""


@pytest.mark.parametrize("options, named", [({"modle": "base"}, "modle"), ({"threads": "two"}, "threads")])
def test_a_bad_option_in_a_config_fails_before_any_model_loads(tmp_path, options, named, tone_wav):
    config = write_config(tmp_path / "bad.yaml", [{"stage": "transcribe", "options": {"language": "de", **options}}])
    seen = tmp_path / "modules.json"
    result = subprocess.run([sys.executable, "-c", MODULES_PROBE, str(seen), "run", str(config), "-i", str(tone_wav),
                             "-d", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    loaded = set(json.loads(seen.read_text())) & {"faster_whisper", "ctranslate2", "whisper", "transformers"}
    assert result.returncode == 2 and not loaded, (loaded, result.stderr)  # refused before any model library loads
    [line] = result.stderr.strip().splitlines()
    assert f"option '{named}'" in line and "stages.0" in line
    if named == "modle":
        assert "options: batch_size, beam_size, block_seconds, compute_type, device, feature_mask, hotwords, initial_prompt" in line
    else:
        assert "valid integer" in line and "'two'" in line
    assert not (tmp_path / "out").exists(), "nothing written"


def test_options_are_typed_for_python_calls_and_the_cli(tone_wav, tmp_path):
    with pytest.raises(OptionsError, match=r"transcribe backend faster-whisper: option 'langauge': unknown .*language"):
        load_backend("transcribe", "faster-whisper")(langauge="de")
    with pytest.raises(OptionsError, match=r"^diarize backend pyannote: min_speakers 3 exceeds max_speakers 2$"):
        speechkit.load("diarize", min_speakers=3, max_speakers=2)
    options = load_backend("transcribe", "faster-whisper")(beam_size="3").options
    assert options.beam_size == 3 and options.model == "tiny.en" and options.batch_size == 8


def test_a_bad_stress_option_fails_before_any_cell():
    with pytest.raises(StressConfigError, match="option 'beam'"):
        parse_config({"transcribe": {"beam": 5}, "conditions": {"n": {"vary": "snr_db", "levels": [0],
                                                               "transforms": [{"color_noise": {}}]}}})


def test_one_stage_loads_its_model_once_for_two_files(fake, tone_wav, tmp_path):
    other = tmp_path / "other.wav"
    other.write_bytes(tone_wav.read_bytes())
    stage = speechkit.load("transcribe", "fake", text="hello there")
    first, second = stage(speechkit.read(tone_wav)), stage(speechkit.read(str(other)))
    again = speechkit.load("transcribe", "fake", text="other words", language="en")(speechkit.read(tone_wav))
    assert fakes.LOADS == ["tiny.en"], "one load: the same model options share the cached model"
    assert first.text == second.text == "hello there" and again.text == "other words"
    record = first.provenance[-1]
    assert record.model_path == "/fake/tiny.en" and record.notes == ["fake weights: plumbing only"]
    assert record.parameters == {"device": pick_device("auto"), "task": "transcribe", "beam_size": 5,
                                 "block_seconds": 600.0, "language_check": False, "text": "hello there"}, "resolved options, the device auto chose"
    speechkit.load("transcribe", "fake", model="base")(speechkit.read(tone_wav))
    assert fakes.LOADS == ["tiny.en", "base"]


def test_a_pipeline_run_decodes_its_audio_once(fake, tone_wav, tmp_path, monkeypatch):
    decoded = []
    real = samples.load_audio
    monkeypatch.setattr(samples, "load_audio", lambda *a, **k: decoded.append(a[0]) or real(*a, **k))
    config = write_config(tmp_path / "fake.yaml", [{"stage": "transcribe", "backend": "fake"},
                                                   {"stage": "align", "backend": "fake"},
                                                   {"stage": "diarize", "backend": "fake"}])
    [job] = run_pipeline(load_config(config), tone_wav, tmp_path / "out").jobs
    assert job.ran == ["transcribe", "align", "diarize"]
    assert decoded == [str(tone_wav.resolve())], "three stages read the audio, one decode"
    assert {s.speaker for s in job.document.segments} == {"SPEAKER_00"}
    assert Document.load(job.documents["diarize"]).stages_run() == ["transcribe", "align", "diarize"]


def test_progress_goes_to_the_hook_and_library_calls_are_silent(fake, tone_wav, capsys):
    reports = []
    speechkit.transcribe(tone_wav, backend="fake", hook=lambda *r: reports.append(r))
    steps = list(dict.fromkeys(step for step, _, _ in reports))
    assert steps == ["load transcribe tiny.en", "transcribe tiny.en"]
    assert reports[-1] == ("transcribe tiny.en", 2.0, 2.0)
    speechkit.transcribe(tone_wav, backend="fake")
    assert capsys.readouterr() == ("", "")


def test_the_cli_draws_progress_for_a_stage(fake, tone_wav, tmp_path):
    result = subprocess.run([SPEECHKIT, "transcribe", str(tone_wav), "-b", "fake", "-d", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "tone.transcribe.json")
    assert "load transcribe tiny.en" in result.stderr and "transcribe tiny.en" in result.stderr


def test_saved_document_round_trips_and_validates(fake, tone_wav, tmp_path):
    doc = speechkit.transcribe(str(tone_wav), backend="fake")
    path = doc.save(str(tmp_path / "t.json"))
    assert Document.load(path) == doc
    result = subprocess.run([SPEECHKIT, "schema", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip().endswith("valid (schema 1.2)")


def test_stress_cells_run_in_memory_with_a_shared_model(fake, tone_wav, tmp_path):
    config = parse_config({"backend": "fake", "models": ["tiny.en"], "seeds": [0, 1],
                           "transcribe": {"text": "ask not"},
                           "conditions": {"noise": {"vary": "snr_db", "levels": [10, 0],
                                                    "transforms": [{"color_noise": {"color": "white"}}]}}})
    from speechkit.stress import plan

    cells = plan(config, [make_input(tone_wav, "ask not")])
    results = [run_cell(cell, tmp_path / "cells") for cell in cells]
    assert fakes.LOADS == ["tiny.en"] and {r["wer"] for r in results} == {0.0}
    assert not list(tmp_path.glob("**/*.wav"))[1:], "no degraded audio written"
    run = run_stress(config, [make_input(tone_wav, "ask not")], tmp_path / "cells", workers=1)
    assert (run.ran, run.cached) == (0, len(cells)), "every cell found in the cache"


def test_stress_runner_reports_cells_to_the_hook(fake, tone_wav, tmp_path):
    config = parse_config({"backend": "fake", "models": ["tiny.en"], "seeds": [0], "baseline": False,
                           "conditions": {"loud": {"vary": "gain_db", "levels": [0, -6],
                                                   "transforms": [{"gain": {}}]}}})
    reports = []
    run = run_stress(config, [make_input(tone_wav, "ask not")], tmp_path / "out", workers=1,
                     hook=lambda *r: reports.append(r))
    assert run.ran == 2 and reports[-1] == ("stress (1 worker(s))", 2, 2)
    assert {row["wer_mean"] for row in run.summary} == {3.5}, "the fake hears 9 words: 7 inserted over 2"
