"""``speechkit run``: configs, stage documents, resume after a kill, --from/--to, and the whole chain
from a URL on a local web site to a speaker-labelled transcript, a summary and a report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from speechkit.metrics.wer import wer
from speechkit.pipeline import load_config, run_pipeline
from speechkit.pipeline.config import ConfigError
from speechkit.pipeline.runner import PipelineError
from speechkit.pipeline.sample import default_input, default_reference
from speechkit.schema import Document
from speechkit.stages.summarize.chunking import sentences
from tests.media_site import build_site, serve

ROOT = Path(__file__).resolve().parents[1]
SPEECHKIT = str(Path(sys.executable).parent / "speechkit")
ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": "1"}
"""For runs with torch stages on shared cores: torch's one thread per core spins against the other
processes (pyannote diarization of the 30 s sample: 150-270 s with default threads, 22 s with one)."""
CORE = {
    "name": "core",
    "stages": [
        {"stage": "transcribe", "backend": "faster-whisper", "options": {"model": "tiny.en", "language": "en"}},
        {"stage": "summarize", "backend": "extractive", "options": {"sentences": 3}},
    ],
    "report": {"formats": ["md", "html", "srt", "json"]},
}


def write_config(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data))
    return path


def comparable(doc: Document) -> dict:
    """A document without what differs between two identical runs: timings."""
    data = json.loads(doc.to_json())
    for p in data.get("provenance", []):
        for key in ("started_at", "wall_time", "real_time_factor", "load_time"):
            p.pop(key, None)
    return data


def said(doc: Document) -> set[str]:
    return {s.text for s in sentences(doc)}


@pytest.fixture(scope="module")
def site(tmp_path_factory, data_dir):
    server, site = serve(build_site(tmp_path_factory.mktemp("site"), data_dir / "sample.wav"))
    yield site
    server.shutdown()


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory, data_dir):
    """The core config (transcribe -> summarize) run once, uninterrupted, on the real sample call."""
    out = tmp_path_factory.mktemp("reference")
    config = write_config(out / "core.yaml", CORE)
    [job] = run_pipeline(load_config(config), data_dir / "sample.wav", out).jobs
    return job


# --- configs ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["meeting.yaml", "youtube-summary.yaml", "stress-test.yaml"])
def test_shipped_configs_validate(name):
    config = load_config(ROOT / "configs" / name)
    assert config.stages or config.stress is not None


@pytest.mark.parametrize("data, problem", [
    ({"stages": [{"stage": "transcribe", "backend": "nope"}]}, "stages.0: unknown transcribe backend 'nope'"),
    ({"stages": [{"stage": "translate"}]}, "stages.0.stage: unknown stage 'translate'"),
    ({"stages": [{"stage": "summarize"}, {"stage": "summarize"}]}, "stage(s) listed twice: summarize"),
    ({"stages": [{"stage": "transcribe"}, {"stage": "download"}]}, "download must be the first stage"),
    ({"stages": [{"stage": "transcribe"}], "extra": 1}, "extra: Extra inputs are not permitted"),
    ({"stages": []}, "nothing to run"),
    ({"stages": [{"stage": "transcribe"}], "report": {"formats": ["pdf"]}}, "unknown format(s) pdf"),
    ({"stages": [{"stage": "transcribe"}], "report": {"embed_audio": "maybe"}}, "report.embed_audio: Input should be a valid boolean"),
])
def test_bad_configs_name_the_file_and_the_problem(tmp_path, data, problem):
    path = write_config(tmp_path / "bad.yaml", data)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ") and problem in str(info.value)


def test_malformed_yaml_and_missing_config(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("stages: [\n  - stage: transcribe\n")
    with pytest.raises(ConfigError, match=r"broken.yaml: malformed YAML at line \d+"):
        load_config(path)
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.yaml")


def test_stage_range_errors(tmp_path, data_dir):
    config = load_config(write_config(tmp_path / "core.yaml", CORE))
    with pytest.raises(PipelineError, match="--from align: not a stage of this run"):
        run_pipeline(config, data_dir / "sample.wav", tmp_path, start="align")
    with pytest.raises(PipelineError, match="--from summarize comes after --to transcribe"):
        run_pipeline(config, data_dir / "sample.wav", tmp_path, start="summarize", stop="transcribe")
    with pytest.raises(PipelineError, match="sample.transcribe.json is missing"):
        run_pipeline(config, data_dir / "sample.wav", tmp_path, start="summarize")


def test_default_input_is_pyannotes_real_two_speaker_sample(data_dir):
    assert default_input().read_bytes() == (data_dir / "sample.wav").read_bytes()
    assert default_reference().startswith("Hello? Hello? Oh, hello.")


# --- the core chain, independent of the other stages ------------------------------------------------

@pytest.mark.slow
def test_core_chain_saves_each_stage_and_a_report(reference_run, data_dir):
    job = reference_run
    assert job.ran == ["transcribe", "summarize"] and job.skipped == []
    assert [p.name for p in job.documents.values()] == ["sample.transcribe.json", "sample.summarize.json"]
    doc = Document.load(job.documents["summarize"])
    assert doc.stages_run() == ["transcribe", "summarize"]
    assert wer(default_reference(), doc.text) < 0.35
    assert doc.summary.overall and all(s in said(doc) for s in said(Document(segments=[
        doc.segments[0].model_copy(update={"text": doc.summary.overall, "words": []})])))
    assert sorted(p.name for p in job.reports) == ["sample.html", "sample.json", "sample.md", "sample.srt"]
    manifest = json.loads((job.documents["summarize"].parent / "sample.run.json").read_text())
    assert set(manifest["jobs"]["sample"]) == {"transcribe", "summarize"}


@pytest.mark.slow
def test_to_then_full_run_resumes_and_matches_an_uninterrupted_run(tmp_path, reference_run, data_dir):
    config = load_config(write_config(tmp_path / "core.yaml", CORE))
    [first] = run_pipeline(config, data_dir / "sample.wav", tmp_path, stop="transcribe").jobs
    assert first.ran == ["transcribe"] and not (tmp_path / "sample.summarize.json").exists()
    [second] = run_pipeline(config, data_dir / "sample.wav", tmp_path).jobs
    assert second.skipped == ["transcribe"] and second.ran == ["summarize"]
    assert comparable(second.document) == comparable(reference_run.document)

    [third] = run_pipeline(config, data_dir / "sample.wav", tmp_path).jobs
    assert third.skipped == ["transcribe", "summarize"] and third.ran == []

    changed = json.loads(json.dumps(CORE))
    changed["stages"][1]["options"]["sentences"] = 2
    [fourth] = run_pipeline(load_config(write_config(tmp_path / "core.yaml", changed)), data_dir / "sample.wav",
                            tmp_path).jobs
    assert fourth.skipped == ["transcribe"] and fourth.ran == ["summarize"], "a changed stage reruns"

    [fifth] = run_pipeline(config, data_dir / "sample.wav", tmp_path, start="summarize").jobs
    assert fifth.ran == ["summarize"], "--from reruns that stage even when up to date"


@pytest.mark.slow
def test_killed_run_resumes_from_the_last_finished_stage(tmp_path, reference_run, data_dir):
    config = write_config(tmp_path / "core.yaml", CORE)
    command = [SPEECHKIT, "run", str(config), "--input", str(data_dir / "sample.wav"), "-d", str(tmp_path)]
    manifest = tmp_path / "sample.run.json"
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and "transcribe" in json.loads(manifest.read_text())["jobs"].get("sample", {}):
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert (tmp_path / "sample.transcribe.json").is_file()
    assert not (tmp_path / "sample.summarize.json").exists(), "killed in the middle of the pipeline"

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "transcribe: skipped: up to date" in rerun.stderr
    assert "summarize: running extractive" in rerun.stderr
    final = Document.load(tmp_path / "sample.summarize.json")
    assert comparable(final) == comparable(reference_run.document)


# --- the whole chain from a URL, with the real diarize stage -----------------------------------------

@pytest.mark.slow
def test_youtube_summary_from_a_local_page_to_speakers_summary_and_report(site, tmp_path):
    url = site.url("page.html")
    done = subprocess.run([SPEECHKIT, "run", str(ROOT / "configs" / "youtube-summary.yaml"), "--input", url,
                           "-d", str(tmp_path)], capture_output=True, text=True, timeout=600, env=ONE_THREAD)
    assert done.returncode == 0, done.stderr
    outputs = [Path(p) for p in done.stdout.split()]
    [html] = [p for p in outputs if p.suffix == ".html"]
    name = html.name.split(".")[0]
    doc = Document.load(tmp_path / f"{name}.summarize.json")
    assert doc.stages_run() == ["download", "transcribe", "diarize", "summarize"]
    assert doc.source.webpage_url == url and doc.source.title.startswith("Diane and Sheila")
    assert wer(default_reference(), doc.text) < 0.35
    assert doc.segments and all(s.speaker for s in doc.segments), "every segment has a speaker"
    assert len({s.speaker for s in doc.segments}) >= 2
    overall = said(Document(segments=[doc.segments[0].model_copy(update={"text": doc.summary.overall, "words": []})]))
    assert overall and overall <= said(doc), "summary sentences are transcript sentences"
    assert set(doc.summary.speakers) <= {s.speaker for s in doc.segments}
    srt = (tmp_path / f"{name}.srt").read_text()
    assert "[SPEAKER_" in srt
    page = html.read_text()
    from markupsafe import escape  # the report's templates escape text as Jinja2 does

    assert str(escape(doc.summary.overall.split(". ")[0])) in page
    assert (tmp_path / "media").is_dir() and list((tmp_path / "media").glob("*.m4a"))

    fetched = len(site.requests)
    [again] = run_pipeline(load_config(ROOT / "configs" / "youtube-summary.yaml"), url, tmp_path).jobs
    assert again.ran == [] and again.skipped == ["transcribe", "diarize", "summarize"]
    assert len(site.requests) == fetched, "a finished download is not fetched again, not even its page"


@pytest.mark.slow
def test_meeting_config_runs_on_the_packaged_sample_with_no_input(tmp_path):
    done = subprocess.run([SPEECHKIT, "run", str(ROOT / "configs" / "meeting.yaml"), "-d", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, env=ONE_THREAD)
    assert done.returncode == 0, done.stderr
    doc = Document.load(tmp_path / "sample.summarize.json")
    assert doc.stages_run() == ["transcribe", "diarize", "summarize"]
    assert len({s.speaker for s in doc.segments if s.speaker}) == 2
    assert doc.summary.overall and len(doc.summary.speakers) == 2
    assert {p.name for p in map(Path, done.stdout.split())} >= {"sample.md", "sample.html", "sample.srt", "sample.rttm"}


def test_cli_run_errors_are_one_line(tmp_path):
    done = subprocess.run([SPEECHKIT, "run", str(tmp_path / "absent.yaml")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == f"speechkit: error: {tmp_path / 'absent.yaml'}: no such config file"
    config = write_config(tmp_path / "core.yaml", CORE)
    out = tmp_path / "out"
    done = subprocess.run([SPEECHKIT, "run", str(config), "--input", str(tmp_path / "nothing.wav"), "-d", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == f"speechkit: error: {tmp_path / 'nothing.wav'}: no such file"
    assert not out.exists(), "nothing is written for a bad input"


# --- a stress section is handed to speechkit.stress ------------------------------------------------

@pytest.mark.slow
def test_stress_section_delegates_to_the_stress_runner(tmp_path, data_dir):
    from tests.conftest import JFK_TEXT

    config = write_config(tmp_path / "stress.yaml", {"name": "noise", "stress": {
        "reference": JFK_TEXT,
        "conditions": {"models": ["tiny.en"], "seeds": [0], "baseline": False, "conditions": {
            "white-noise": {"vary": "snr_db", "levels": [10], "transforms": [{"color_noise": {"color": "white"}}]}}},
    }})
    run = run_pipeline(load_config(config), data_dir / "jfk.flac", tmp_path)
    assert run.jobs == [] and run.stress.total == 1 and run.stress.ran == 1
    [row] = json.loads((tmp_path / "stress" / "results.json").read_text())["summary"]
    assert (row["model"], row["condition"], row["level"]) == ("tiny.en", "white-noise", 10.0)
    assert row["measured_snr_db"] == pytest.approx(10.0, abs=0.5) and row["wer_mean"] < 0.5
    assert set(run.outputs()) == set(run.stress.paths.values())
