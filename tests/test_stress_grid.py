"""The stress config, the cell grid and its keys, shards, references, and the report's arithmetic (no models)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from speechkit.errors import SpeechkitError
from speechkit.stress import StressConfigError, load_config, make_input, parse_config, plan
from speechkit.stress.config import DEFAULT_CONFIG, override
from speechkit.stress.grid import BASELINE, Cell, parse_shard, reference_text, shard
from speechkit.stress.report import compare, markdown, monotonic, plot, summarize
from tests.conftest import JFK_TEXT, STEREO_LEFT_TEXT

SMALL = {
    "models": ["tiny.en", "base"],
    "seeds": [0, 1],
    "conditions": {
        "white": {"vary": "snr_db", "levels": [20, 0], "transforms": [{"color_noise": {"color": "white"}}]},
        "masks": {"vary": "time_masks", "levels": [2], "transforms": [{"feature_mask": {"freq_masks": 0}}]},
    },
}


@pytest.fixture(scope="module")
def inputs(data_dir):
    return [make_input(data_dir / "jfk.flac", JFK_TEXT),
            make_input(data_dir / "stereo_diarization.wav", STEREO_LEFT_TEXT, "left")]


def test_the_shipped_config_loads_with_the_issue_curve():
    config = load_config(DEFAULT_CONFIG)
    white = next(c for c in config.conditions if c.name == "white-noise")
    assert white.levels == [40, 30, 20, 10, 5, 0, -5] and config.models == ["tiny.en", "base"]
    assert white.at_level(-5)[0].params == {"color": "white", "snr_db": -5}


def test_plan_covers_every_combination_once(inputs):
    config = parse_config(SMALL)
    cells = plan(config, inputs)
    assert len(cells) == 2 * (2 + (2 + 1) * 2 * 2)  # models x (baseline per input + levels x seeds x inputs)
    assert len({c.key for c in cells}) == len(cells)
    assert [c.key for c in plan(config, inputs)] == [c.key for c in cells], "keys are stable"
    assert {c.condition for c in cells} == {BASELINE, "white", "masks"}
    white0 = next(c for c in cells if c.condition == "white" and c.level == 0)
    assert white0.transforms == [{"color_noise": {"color": "white", "snr_db": 0}}]
    assert white0.transcribe == {"language": "en"}


def test_keys_change_with_anything_the_result_depends_on(inputs):
    cell = plan(parse_config(SMALL), inputs)[3]
    assert Cell.from_dict(json.loads(json.dumps(cell.as_dict()))).key == cell.key
    for change in ({"model": "small"}, {"seed": 9}, {"level": 5.0}, {"transcribe": {"language": "de"}},
                   {"input": make_input(inputs[1].audio, "other words", "left")}):
        assert Cell(**{**cell.__dict__, **change}).key != cell.key, change


def test_shards_are_disjoint_and_complete(inputs):
    cells = plan(parse_config(SMALL), inputs)
    parts = [shard(cells, i, 3) for i in range(3)]
    assert sorted(c.key for p in parts for c in p) == sorted(c.key for c in cells)
    assert {c.condition for c in parts[0]} == {BASELINE, "white", "masks"}, "each shard mixes conditions"
    assert parse_shard("1/3") == (1, 3)
    for bad in ("3/3", "x", "1/0"):
        with pytest.raises(SpeechkitError, match="--shard"):
            parse_shard(bad)


@pytest.mark.parametrize("change, message", [
    ({"conditions": {"w": {"vary": "snr", "levels": [1], "transforms": [{"color_noise": {}}]}}}, "takes 'snr'"),
    ({"conditions": {"w": {"vary": "snr_db", "levels": [], "transforms": [{"color_noise": {}}]}}}, "levels"),
    ({"conditions": {"w": {"vary": "snr_db", "levels": [1], "transforms": [{"noise": {}}]}}}, "unknown transform 'noise'"),
    ({"seeds": "zero"}, "seeds"),
    ({"modles": ["tiny.en"]}, "modles"),
])
def test_bad_configs_are_one_clear_error(change, message):
    with pytest.raises(StressConfigError, match=message):
        parse_config({**SMALL, **change})


def test_config_file_errors_name_the_file(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("conditions: [unclosed\n")
    with pytest.raises(StressConfigError, match=f"{broken}: malformed YAML"):
        load_config(broken)
    with pytest.raises(StressConfigError, match="no such conditions config"):
        load_config(tmp_path / "missing.yaml")


def test_overrides_keep_or_reject_conditions():
    config = override(parse_config(SMALL), models=["tiny.en"], seeds=[5], conditions=["white"])
    assert (config.models, config.seeds, [c.name for c in config.conditions]) == (["tiny.en"], [5], ["white"])
    with pytest.raises(StressConfigError, match="unknown condition"):
        override(config, conditions=["pink"])


def test_references_from_text_files_documents_and_literals(tmp_path, tone_wav):
    text = tmp_path / "ref.txt"
    text.write_text(JFK_TEXT + "\n")
    doc = tmp_path / "ref.json"
    doc.write_text(json.dumps({"segments": [{"start": 0, "end": 1, "text": " Ask not."}]}))
    assert reference_text(str(text)) == JFK_TEXT
    assert reference_text(str(doc)) == "Ask not."
    assert reference_text("literal words") == "literal words"
    with pytest.raises(SpeechkitError, match="channel 'right' does not exist"):
        make_input(tone_wav, JFK_TEXT, "right")


def _result(model, condition, level, seed, errors, words=10, snr=None):
    cell = {"model": model, "condition": condition, "level": level, "seed": seed}
    return {"cell": cell, "substitutions": errors, "deletions": 0, "insertions": 0, "reference_words": words,
            "cer": errors / 20, "measured_snr_db": snr}


def test_summary_pools_inputs_per_seed_then_averages_over_seeds(tmp_path):
    results = [_result("m", "white", 0.0, 0, 2, snr=0.1), _result("m", "white", 0.0, 0, 0, snr=-0.1),
               _result("m", "white", 0.0, 1, 4, snr=0.2), _result("m", "white", 0.0, 1, 4, snr=0.0),
               _result("m", "white", 20.0, 0, 0), _result("m", "white", 20.0, 1, 1)]
    rows = {r["level"]: r for r in summarize(results)}
    assert rows[0.0]["wer_mean"] == pytest.approx((2 / 20 + 8 / 20) / 2)
    assert rows[0.0]["wer_std"] == pytest.approx(0.2121, abs=1e-3)
    assert rows[0.0]["measured_snr_max_error_db"] == pytest.approx(0.2)
    assert monotonic(list(rows.values()), "m", "white") is True
    worse_when_cleaner = summarize([_result("m", "white", 0.0, 0, 0), _result("m", "white", 20.0, 0, 2)])
    assert monotonic(worse_when_cleaner, "m", "white") is False
    one_word_flip = summarize([_result("m", "white", 0.0, 0, 0), _result("m", "white", 20.0, 0, 1)])
    assert monotonic(one_word_flip, "m", "white") is True


def test_table_and_plot_render(tmp_path):
    config = parse_config({**SMALL, "models": ["m"], "seeds": [0]})
    results = [_result("m", BASELINE, None, None, 0), _result("m", "white", 20.0, 0, 1, snr=20.0),
               _result("m", "white", 0.0, 0, 5, snr=0.0), _result("m", "masks", 2.0, 0, 2)]
    rows = summarize(results)
    table = markdown(config, rows, [{"name": "jfk"}], missing=0)
    assert "| 0 | 0.00 | 50.0 ± 0.0 |" in table and "## masks: time_masks" in table
    assert "m: yes" in table
    png = plot(config, rows, tmp_path / "plot.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_list_cells_prints_json_lines_for_a_shard(data_dir, tmp_path):
    config = tmp_path / "small.yaml"
    config.write_text(json.dumps(SMALL))
    cmd = [str(Path(sys.executable).parent / "speechkit"), "stress", str(data_dir / "jfk.flac"), "-r", JFK_TEXT,
           "-c", str(config), "--list-cells", "--shard", "1/4"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    cells = [json.loads(line) for line in result.stdout.splitlines()]
    everything = plan(parse_config(SMALL), [make_input(data_dir / "jfk.flac", JFK_TEXT)])
    assert [c["key"] for c in cells] == [c.key for c in everything[1::4]]
    assert Cell.from_dict(cells[0]).key == cells[0]["key"]


def test_models_are_compared_paired_by_seed():
    # b wins on seeds 0 and 1 by 2 and 1 words of 10 and ties on seed 2; its mean±std overlaps a's
    results = [_result("a", "white", 0.0, 0, 6), _result("b", "white", 0.0, 0, 4),
               _result("a", "white", 0.0, 1, 2), _result("b", "white", 0.0, 1, 1),
               _result("a", "white", 0.0, 2, 3), _result("b", "white", 0.0, 2, 3),
               _result("a", "white", 5.0, 0, 1)]
    (row,) = compare(results, "a", "b")
    assert (row["level"], row["seeds"], row["second_better"], row["second_worse"], row["ties"]) == (0.0, 3, 2, 0, 1)
    assert row["difference_mean"] == pytest.approx(-0.1)
    assert row["difference_se"] == pytest.approx(np.std([-0.2, -0.1, 0.0], ddof=1) / np.sqrt(3))
    config = parse_config({**SMALL, "models": ["a", "b"], "seeds": [0, 1, 2]})
    table = markdown(config, summarize(results), [{"name": "jfk"}], missing=0, comparisons=[row])
    assert "## b against a, paired by seed" in table and "| white | 0 | -10.0 ± 5.8 | 2 | 0 | 1 |" in table
