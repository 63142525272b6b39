"""``speechkit batch`` on real speech: local processes and a real Ray cluster give the same words,
a worker killed mid-input costs nothing, a rerun does no work, and a bad input fails alone."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from speechkit.schema import Document
from tests.conftest import JFK_TEXT

BIN = Path(sys.executable).parent
TRANSCRIBE = ("stages:\n  - stage: transcribe\n    backend: faster-whisper\n"
              "    options: {model: tiny.en, language: en}\n")


def speechkit(*args: str, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "speechkit"), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout)


@pytest.fixture
def workdir(tmp_path: Path, data_dir: Path) -> Path:
    """Six real utterances (kathleen and LibriSpeech) and a tiny.en transcribe config."""
    english = data_dir / "english"
    picks = sorted((english / "kathleen").glob("*.flac"))[:3] + sorted((english / "librispeech").rglob("*.flac"))[:3]
    (tmp_path / "in").mkdir()
    (tmp_path / "references").mkdir()
    for path in picks:
        shutil.copy(path, tmp_path / "in" / path.name)
        shutil.copy(path.with_suffix(".txt"), tmp_path / "references" / path.with_suffix(".txt").name)
    (tmp_path / "transcribe.yaml").write_text(TRANSCRIBE)
    return tmp_path


def inputs(workdir: Path) -> list[str]:
    return sorted(str(p) for p in (workdir / "in").iterdir())


def words(out: Path) -> dict[str, list[tuple[str, float | None, float | None]]]:
    """Every document's words with their times, by file name."""
    found = {}
    for path in sorted(out.glob("*.transcribe.json")):
        doc = Document.load(path)
        found[path.name] = [(w.word, w.start, w.end) for w in doc.word_segments]
    return found


def test_a_batch_that_cannot_start_says_why_and_writes_nothing(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "t.yaml").write_text(TRANSCRIBE)
    (tmp_path / "s.yaml").write_text(TRANSCRIBE + "stress: {workers: 1}\n")
    jfk = str(data_dir / "jfk.flac")
    for args, message in [(("-c", "t.yaml", "-e", "spark"), "--engine spark: not an engine (engines: local, ray)"),
                          (("-c", "t.yaml", "-j", "0"), "--workers must be at least 1, got 0"),
                          (("-c", "t.yaml", "--device", "tpu"), "--device tpu: expected cpu or cuda"),
                          (("-c", "s.yaml"), "batch runs only stages (use speechkit stress --engine ray)")]:
        proc = speechkit("batch", jfk, *args, "-d", "out", cwd=tmp_path, timeout=120)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("modules", "foreign"), [
    (("speechkit.batch", "speechkit.batch.engine", "speechkit.batch.local", "speechkit.batch.ray_engine"),
     ("speechkit.stress", "speechkit.cli")),
    (("speechkit.stress", "speechkit.stress.runner", "speechkit.stress.worker", "speechkit.stress.ray_cells"),
     ("speechkit.batch", "speechkit.cli")),
])
def test_batch_and_stress_share_worker_setup_without_importing_each_other(modules: tuple[str, ...],
                                                                           foreign: tuple[str, ...]) -> None:
    """Both engines' worker processes start through speechkit.runtime.workers; neither engine imports the other,
    and no engine imports the CLI."""
    code = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            f"print(sorted(m for m in sys.modules if m.startswith({foreign!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", proc.stdout


def test_batch_help_says_folders_give_only_audio_and_video(tmp_path: Path) -> None:
    """batch expands INPUTS without documents, so its help must not offer them as the stage commands' does."""
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    helps = {command: " ".join(subprocess.run([str(BIN / "speechkit"), command, "--help"], capture_output=True,
                                              text=True, cwd=tmp_path, env=env, timeout=120).stdout.split())
             for command in ("batch", "transcribe")}
    assert "audio/video or documents (.json)" in helps["transcribe"]
    assert "documents (.json)" not in helps["batch"] and "never its .json documents" in helps["batch"]


@pytest.mark.slow
def test_local_batch_two_workers_a_corrupt_input_fails_alone_and_a_rerun_does_nothing(workdir: Path) -> None:
    (workdir / "in" / "broken.flac").write_bytes(b"fLaC" + b"\0" * 400)
    proc = speechkit("batch", "in", "-c", "transcribe.yaml", "-d", "out", "-j", "2", cwd=workdir)
    assert proc.returncode == 2, proc.stderr
    assert "speechkit: batch: 6 of 7 inputs done; failed: 1" in proc.stderr
    assert [line for line in proc.stderr.splitlines() if "error:" in line and "broken.flac" in line]
    summary = json.loads((workdir / "out" / "batch.json").read_text())
    rows = {Path(r["input"]).name: r for r in summary["inputs"]}
    assert rows["broken.flac"]["status"] == "failed" and rows["broken.flac"]["error"]
    done = [r for name, r in rows.items() if name != "broken.flac"]
    assert all(r["status"] == "done" and r["ran"] == ["transcribe"] and 0 < r["real_time_factor"] for r in done)
    assert summary["totals"]["done"] == 6 and summary["totals"]["audio_hours_per_hour"] > 0
    assert "| failed |" in (workdir / "out" / "batch.md").read_text()
    first = words(workdir / "out")
    assert len(first) == 6
    for name, found in first.items():  # most of each reference's words are heard
        reference = (workdir / "references" / name.replace(".transcribe.json", ".txt")).read_text().lower().split()
        said = {w.lower().strip(".,;!?") for w, _, _ in found}
        assert sum(w.strip(".,;!?") in said for w in reference) >= len(reference) / 2, (name, said)

    (workdir / "in" / "broken.flac").unlink()
    again = speechkit("batch", "in", "-c", "transcribe.yaml", "-d", "out", "-j", "2", cwd=workdir)
    assert again.returncode == 0, again.stderr
    rerun = json.loads((workdir / "out" / "batch.json").read_text())
    assert {r["status"] for r in rerun["inputs"]} == {"skipped"} and all(r["ran"] == [] for r in rerun["inputs"])
    assert words(workdir / "out") == first


@pytest.fixture(scope="module")
def ray_head(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real two-CPU Ray head on 127.0.0.1 with token authentication (as ``ray start`` turns it on
    whenever a token exists, e.g. after any earlier ``ray.init``), stopped after the module."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = tmp_path_factory.mktemp("ray") / "auth_token"
    token.write_text(secrets.token_hex(32))
    saved = {k: os.environ.pop(k, None) for k in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")}
    os.environ["RAY_AUTH_TOKEN_PATH"] = str(token)  # the head and every speechkit started here see it
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    start = subprocess.run([str(BIN / "ray"), "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}",
                            "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats"],
                           capture_output=True, text=True, env=env, timeout=180)
    assert start.returncode == 0, start.stderr
    yield f"127.0.0.1:{port}"
    subprocess.run([str(BIN / "ray"), "stop", "--force"], capture_output=True, env=env, timeout=120)
    os.environ.pop("RAY_AUTH_TOKEN_PATH")
    os.environ.update({k: v for k, v in saved.items() if v is not None})


@pytest.mark.slow
def test_ray_cluster_gives_the_local_words_and_survives_a_killed_worker(workdir: Path, ray_head: str) -> None:
    local = speechkit("batch", "in", "-c", "transcribe.yaml", "-d", "local", "--threads", "1", cwd=workdir)
    assert local.returncode == 0, local.stderr

    ray = speechkit("batch", "in", "-c", "transcribe.yaml", "-d", "ray", "-e", "ray", "--address", ray_head,
                    "-j", "2", cwd=workdir)
    assert ray.returncode == 0, ray.stderr
    assert words(workdir / "ray") == words(workdir / "local") and len(words(workdir / "local")) == 6
    summary = json.loads((workdir / "ray" / "batch.json").read_text())
    assert summary["engine"] == "ray" and summary["totals"]["done"] == 6

    # A worker killed while it transcribes: Ray restarts it, the call is retried, nothing is lost.
    proc = subprocess.Popen([str(BIN / "speechkit"), "batch", "in", "-c", "transcribe.yaml", "-d", "killed",
                             "-e", "ray", "--address", ray_head, "-j", "1"],
                            cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = _kill_a_busy_worker(proc)
    _, stderr = proc.communicate(timeout=900)
    assert killed, "no StageWorker was seen at work"
    assert proc.returncode == 0, stderr
    assert words(workdir / "killed") == words(workdir / "local")


def _kill_a_busy_worker(proc: subprocess.Popen[str], wait: float = 300.0) -> bool:
    """SIGKILL the first Ray worker process seen running ``StageWorker.apply``."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and proc.poll() is None:
        for pid in (p for p in os.listdir("/proc") if p.isdigit()):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"ray::StageWorker.apply" in cmdline:
                os.kill(int(pid), signal.SIGKILL)
                return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_stress_on_ray_gives_the_local_results(data_dir: Path, tmp_path: Path, ray_head: str) -> None:
    grid = {"models": ["tiny.en"], "seeds": [0], "transcribe": {"language": "en"},
            "conditions": {"white-noise": {"vary": "snr_db", "levels": [10, 0],
                                           "transforms": [{"color_noise": {"color": "white"}}]}}}
    (tmp_path / "grid.yaml").write_text(json.dumps(grid))
    results = {}
    for engine in ("local", "ray"):
        extra = ("-e", "ray", "--address", ray_head) if engine == "ray" else ()
        proc = speechkit("stress", str(data_dir / "jfk.flac"), "-r", JFK_TEXT, "-c", "grid.yaml", "-d", engine, *extra,
                         cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        cells = json.loads((tmp_path / engine / "results.json").read_text())["cells"]
        results[engine] = sorted((json.dumps({k: v for k, v in c.items() if k != "wall_time"}, sort_keys=True)
                                  for c in cells))
    assert len(results["local"]) == 3 and results["ray"] == results["local"]


@pytest.fixture
def interruptible(tmp_path: Path, data_dir: Path) -> Path:
    """Two short utterances, a 14-minute recording (a long transcription on a CPU), one more short one."""
    shorts = sorted((data_dir / "english" / "kathleen").glob("*.flac"))[:3]
    long = data_dir / "longform" / "kathleen_arctic_b0001-b0240.flac"
    (tmp_path / "in").mkdir()
    for name, path in [("1-short", shorts[0]), ("2-short", shorts[1]), ("3-long", long), ("4-short", shorts[2])]:
        shutil.copy(path, tmp_path / "in" / f"{name}.flac")
    (tmp_path / "transcribe.yaml").write_text(TRANSCRIBE)
    return tmp_path


def _interrupt_during_the_long_input(workdir: Path, extra: tuple[str, ...], finished: int) -> tuple[float, int, str]:
    """Start a batch, wait for ``finished`` documents and a few seconds into the long input, send SIGINT:
    (seconds from the signal to the exit, exit code, stderr)."""
    log = workdir / "interrupted.log"
    with log.open("w") as stderr:
        proc = subprocess.Popen([str(BIN / "speechkit"), "batch", "in", "-c", "transcribe.yaml", "-d", "out", *extra],
                                cwd=workdir, stdout=subprocess.DEVNULL, stderr=stderr, text=True)
        try:
            deadline = time.monotonic() + 600
            while len(list((workdir / "out").glob("*.transcribe.json"))) < finished:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the short inputs were not done in time"
                time.sleep(0.2)
            time.sleep(3)  # the long input's transcription is under way
            assert proc.poll() is None, log.read_text()
            sent = time.monotonic()
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=300)
            return time.monotonic() - sent, proc.returncode, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _assert_interrupted_cleanly(workdir: Path, seconds: float, code: int, stderr: str, done: set[str]) -> None:
    assert code == 130 and stderr.strip().splitlines()[-1] == "speechkit: interrupted", stderr
    assert "Traceback" not in stderr
    assert seconds < 10, f"the interrupt took {seconds:.1f} s: it waited for the running input"
    out = workdir / "out"
    assert {p.name.removesuffix(".transcribe.json") for p in out.glob("*.transcribe.json")} == done
    assert not list(out.rglob("*.part")), "a half-written file was left"
    for path in out.rglob("*.json"):  # every document there is whole
        json.loads(path.read_text())
    assert not (out / "batch.json").exists()


def _rerun_without_the_long_input(workdir: Path, extra: tuple[str, ...]) -> dict[str, str]:
    """The rerun (the long input left out, to keep the test short): each input's status by name."""
    (workdir / "in" / "3-long.flac").unlink()
    again = speechkit("batch", "in", "-c", "transcribe.yaml", "-d", "out", *extra, cwd=workdir)
    assert again.returncode == 0, again.stderr
    rows = json.loads((workdir / "out" / "batch.json").read_text())["inputs"]
    return {Path(r["input"]).stem: r["status"] for r in rows}


@pytest.mark.slow
def test_ctrl_c_during_a_local_batch_exits_130_at_once_and_a_rerun_resumes(interruptible: Path) -> None:
    # Two workers: one on 1-short then 3-long, the other on 2-short then 4-short; SIGINT to the batch
    # process alone (not its process group, as a terminal's Ctrl-C), so it must end its workers itself.
    seconds, code, stderr = _interrupt_during_the_long_input(interruptible, ("-j", "2"), finished=3)
    _assert_interrupted_cleanly(interruptible, seconds, code, stderr, {"1-short", "2-short", "4-short"})
    assert _rerun_without_the_long_input(interruptible, ("-j", "2")) == {
        "1-short": "skipped", "2-short": "skipped", "4-short": "skipped"}


@pytest.mark.slow
def test_ctrl_c_during_a_ray_batch_exits_130_at_once_and_a_rerun_resumes(interruptible: Path, ray_head: str) -> None:
    # One actor, one input at a time in order: the signal comes while 3-long is on the actor, 4-short not begun.
    extra = ("-e", "ray", "--address", ray_head, "-j", "1")
    seconds, code, stderr = _interrupt_during_the_long_input(interruptible, extra, finished=2)
    _assert_interrupted_cleanly(interruptible, seconds, code, stderr, {"1-short", "2-short"})
    assert _rerun_without_the_long_input(interruptible, extra) == {
        "1-short": "skipped", "2-short": "skipped", "4-short": "done"}
