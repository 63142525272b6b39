"""A config's ``stress`` section, handed to :func:`speechkit.stress.run_stress` (the stress engineer's API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from speechkit.pipeline.config import StressSection
from speechkit.pipeline.sample import default_input, default_reference
from speechkit.stages.run import Hook


def run_stress_section(section: StressSection, input: str | None, documents: list[Path], output_dir: Path,
                       hook: Hook | None = None) -> Any:
    """Stress-test the stages' final documents, else the input, else the conditions' own inputs, else the sample.

    A document brings its transcript as the reference unless the section names one.
    """
    from speechkit.stress import load_config, make_input, parse_config, run_stress
    from speechkit.stress.config import DEFAULT_CONFIG
    from speechkit.stress.grid import inputs_from_paths

    if isinstance(section.conditions, dict):
        config = parse_config(section.conditions, origin="stress section")
    else:
        config = load_config(section.conditions or DEFAULT_CONFIG)
    references = [section.reference] if section.reference else []
    if documents:
        items = inputs_from_paths(documents, references)
    elif input is not None:
        items = inputs_from_paths([Path(input)], references)
    elif config.inputs:
        items = None
    else:
        items = [make_input(default_input(), section.reference or default_reference())]
    return run_stress(config, items, output_dir / "stress", workers=section.workers, hook=hook)
