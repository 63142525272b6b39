"""A quick start: ``--help`` imports no model stack, and the help read from source says what pydantic says."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from speechkit.cli import COMMANDS
from speechkit.cli.option_docs import OptionDocs
from speechkit.registry import STAGES, backends

HEAVY = ("torch", "numpy", "scipy", "pyannote", "lightning", "transformers", "faster_whisper", "ctranslate2",
         "ray", "matplotlib", "yt_dlp", "jiwer", "audiomentations", "sklearn", "pandas", "av", "senko")
"""Model and media stacks: each costs a tenth of a second to several seconds to import."""

PROBE = """
import json, sys
from speechkit.cli import main
out, sys.argv = sys.argv[1], ["speechkit", *sys.argv[2:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}, f)
"""


def _help_imports(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """Exit code and top-level packages imported by ``speechkit ARGS --help`` in a fresh process."""
    out = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", PROBE, str(out), *args, "--help"], capture_output=True, text=True,
                          timeout=120)
    assert "Usage:" in proc.stdout, proc.stderr
    seen = json.loads(out.read_text())
    return seen["code"], set(seen["modules"])


def test_speechkit_help_imports_no_model_stack_nor_pydantic(tmp_path):
    code, modules = _help_imports(tmp_path)
    assert code == 0
    assert not modules & {*HEAVY, "pydantic", "pydantic_core", "yaml", "jinja2"}, sorted(modules & {*HEAVY, "pydantic"})


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_help_imports_no_model_stack(tmp_path, command):
    """(Typer itself imports pydantic to check the root options before a command's --help.)"""
    code, modules = _help_imports(tmp_path, command)
    assert code == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def _options_classes() -> list[str]:
    shared = ["speechkit.stages.diarize.base:DiarizationOptions", "speechkit.stages.summarize.common:SummarizeOptions"]
    return shared + [f"{ref}.Options" for stage in STAGES for ref in backends(stage).values()]


@pytest.mark.parametrize("reference", _options_classes())
def test_descriptions_read_from_source_are_pydantics(reference):
    """The CLI's flag help is read from the Options classes' source: it must be what the class says."""
    module, _, qualname = reference.partition(":")
    try:
        options: object = importlib.import_module(module)
    except ImportError as exc:  # an optional backend's library is missing: nothing to compare with
        pytest.skip(f"{module}: {exc}")
    for part in qualname.split("."):
        options = getattr(options, part)
    docs = OptionDocs(reference)
    fields = options.model_fields  # type: ignore[attr-defined]
    assert fields
    for name, info in fields.items():
        assert docs.description(name) == info.description, name


def test_a_default_read_from_source_is_pydantics():
    from speechkit.stages.diarize.base import DiarizationOptions

    assert OptionDocs("speechkit.stages.diarize.base:DiarizationOptions").default("block_seconds") \
        == DiarizationOptions.model_fields["block_seconds"].default
