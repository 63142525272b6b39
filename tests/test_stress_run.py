"""A real stress run (tiny.en and base on jfk.flac and both channels of stereo_diarization.wav):
CLI and API, two workers, shards, cache and resume, the report, and what the curve must show."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from speechkit.stress import make_input, parse_config, plan, run_stress
from speechkit.stress.cache import cell_path
from speechkit.stress.grid import BASELINE
from speechkit.stress.report import monotonic
from tests.conftest import JFK_TEXT, STEREO_LEFT_TEXT, STEREO_RIGHT_TEXT

SMALL = {
    "models": ["tiny.en", "base"],
    "seeds": [0, 1],
    "transcribe": {"language": "en", "beam_size": 5},
    "conditions": {"white-noise": {"vary": "snr_db", "levels": [30, 0, -5],
                                   "transforms": [{"color_noise": {"color": "white"}}]}},
}


def _finished(out: Path, cells) -> int:
    return sum(cell_path(out, c.key).is_file() for c in cells)


@pytest.mark.slow
def test_stress_run_small_grid(data_dir, tmp_path):
    config_file = tmp_path / "small.yaml"
    config_file.write_text(json.dumps(SMALL))
    out = tmp_path / "stress"
    config = parse_config(SMALL)
    inputs = [make_input(data_dir / "jfk.flac", JFK_TEXT),
              make_input(data_dir / "stereo_diarization.wav", STEREO_LEFT_TEXT, "left"),
              make_input(data_dir / "stereo_diarization.wav", STEREO_RIGHT_TEXT, "right")]
    cells = plan(config, inputs)
    assert len(cells) == 42

    # 1. The CLI on jfk.flac alone: its cells are the same cells (same keys) as in the full grid.
    cli = subprocess.run([str(Path(sys.executable).parent / "speechkit"), "stress", str(data_dir / "jfk.flac"),
                          "-r", JFK_TEXT, "-c", str(config_file), "-d", str(out), "-j", "2"],
                         capture_output=True, text=True, timeout=600)
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.split() == [str(out / n) for n in ("results.json", "table.md", "wer_vs_snr.png")]
    assert "14 cell(s) run, 0 cached" in cli.stderr
    assert _finished(out, cells) == 14

    # 2. One shard of the full grid, as one machine of a cluster would run it: the report says what is missing.
    before = _finished(out, cells)
    half = run_stress(config, inputs, out, workers=2, shard_of=(0, 2))
    assert half.ran + half.cached == 21 and half.missing == 42 - _finished(out, cells) > 0
    assert _finished(out, cells) - before == half.ran
    assert "Incomplete" in (out / "table.md").read_text()

    # 3. The whole grid: only what no earlier run finished is run.
    pending = 42 - _finished(out, cells)
    full = run_stress(config, inputs, out, workers=2)
    assert (full.ran, full.cached, full.missing) == (pending, 42 - pending, 0)

    # 4. An interrupted run (cells lost) resumes with exactly the missing cells.
    for cell in cells[5:7]:
        cell_path(out, cell.key).unlink()
    resumed = run_stress(config, inputs, out, workers=1)
    assert (resumed.ran, resumed.cached) == (2, 40)

    results = json.loads((out / "results.json").read_text())
    assert len(results["cells"]) == 42 and results["missing_cells"] == 0
    noisy = [c for c in results["cells"] if c["cell"]["condition"] == "white-noise"]
    assert all(abs(c["measured_snr_db"] - c["cell"]["level"]) < 0.5 for c in noisy)
    assert {c["model_path"] is not None for c in results["cells"]} == {True}

    rows = {(r["model"], r["condition"], r["level"]): r for r in resumed.summary}
    for model in ("tiny.en", "base"):
        assert rows[(model, BASELINE, None)]["wer_mean"] <= 0.1
        assert monotonic(resumed.summary, model, "white-noise"), f"{model}: WER must rise as SNR falls"
        assert rows[(model, "white-noise", -5.0)]["wer_mean"] > rows[(model, "white-noise", 30.0)]["wer_mean"] + 0.25
    table = (out / "table.md").read_text()
    assert "| -5 | -5.00 |" in table and "Incomplete" not in table
    assert (out / "wer_vs_snr.png").read_bytes()[:4] == b"\x89PNG"


def _workers_of(pid: int) -> set[int]:
    """The spawned worker processes (not the resource tracker) whose parent is ``pid``, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in command:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running, not gone and not a zombie waiting for a reaper."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_ctrl_c_during_a_stress_run_with_two_workers_exits_130_at_once(data_dir, tmp_path):
    """jfk.flac's two cells finish, then both workers are on the 14-minute recording's (minutes each on a
    CPU): SIGINT to the stress process alone (not its group, as a terminal's Ctrl-C would) must end them."""
    import signal
    import time

    config = {"models": ["tiny.en"], "seeds": [0], "transcribe": {"language": "en"},
              "conditions": {"white-noise": {"vary": "snr_db", "levels": [20],
                                             "transforms": [{"color_noise": {"color": "white"}}]}}}
    (tmp_path / "c.yaml").write_text(json.dumps(config))
    long = data_dir / "longform" / "kathleen_arctic_b0001-b0240.flac"
    out = tmp_path / "stress"
    log = tmp_path / "stress.log"
    with log.open("w") as stderr:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "speechkit"), "stress", str(data_dir / "jfk.flac"),
                                 str(long), "-r", JFK_TEXT, "-r", str(long.with_suffix(".txt")), "-c", "c.yaml",
                                 "-d", str(out), "-j", "2"],
                                cwd=tmp_path, stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            deadline = time.monotonic() + 600
            while len(list((out / "cells").glob("*.json"))) < 2:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "jfk.flac's cells were not done in time"
                time.sleep(0.2)
            time.sleep(3)  # both workers are on the long recording
            assert proc.poll() is None, log.read_text()
            workers = _workers_of(proc.pid)
            assert len(workers) == 2, workers
            sent = time.monotonic()
            proc.send_signal(signal.SIGINT)
            stdout, _ = proc.communicate(timeout=300)
            seconds = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    stderr_text = log.read_text()
    assert proc.returncode == 130 and stderr_text.strip().splitlines()[-1] == "speechkit: interrupted", stderr_text
    assert "Traceback" not in stderr_text
    assert seconds < 10, f"the interrupt took {seconds:.1f} s: it waited for the running cells"
    until = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < until:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "a worker outlived the interrupted run"
    assert stdout == "", "no report paths: the run did not finish"
    assert not any((out / name).exists() for name in ("results.json", "table.md", "wer_vs_snr.png"))
    assert not list(out.rglob("*.part")), "a half-written file was left"
    cells = sorted((out / "cells").glob("*.json"))
    assert len(cells) == 2, "only jfk.flac's cells are cached"
    for path in cells:
        assert json.loads(path.read_text())["cell"]["input"]["audio"].endswith("jfk.flac")
