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
