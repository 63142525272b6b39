"""Issue 12: a non-editable install works from any directory, so the wheel must carry everything the
commands read at run time (configs, presets, report templates).

The wheel is built from a copy of the package and installed with ``--no-deps`` into a fresh venv that
sees this venv's dependencies through a ``.pth`` file (torch is not installed twice) but not this
checkout: speechkit's own editable hooks and metadata are left out, so every import is the wheel's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = [sys._base_executable, "-m", "uv"]
"""uv as ``scripts/setup.sh`` runs it: a module of the Python that created this venv."""
OWN = ("speechkit", "_speechkit", "__editable__")
"""Entries of this venv's site-packages that belong to the editable install of this checkout."""


def site_packages(python: Path) -> Path:
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def package_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def borrow_dependencies(target_site: Path, folder: Path) -> None:
    """Links to this venv's installed packages, minus speechkit's own entries and ``.pth`` hooks, on the
    new venv's path."""
    folder.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(OWN) and entry.suffix != ".pth" and entry.name != "__pycache__":
            (folder / entry.name).symlink_to(entry)
    (target_site / "borrowed.pth").write_text(f"{folder}\n")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(venv, a working directory outside the checkout, environment) after a wheel install of speechkit."""
    base = tmp_path_factory.mktemp("installed")
    source = base / "source"
    shutil.copytree(ROOT / "speechkit", source / "speechkit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    borrow_dependencies(site_packages(python), base / "borrowed")
    # offline, building with the setuptools borrowed above rather than an isolated download
    done = subprocess.run([*UV, "pip", "install", "-q", "--offline", "--no-deps", "--no-build-isolation",
                           "-p", str(python), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1")
    return venv, elsewhere, env


def run(installed: tuple[Path, Path, dict[str, str]], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    venv, cwd, env = installed
    program = str(venv / "bin" / args[0])
    done = subprocess.run([program, *args[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.slow
def test_the_installed_package_is_the_wheel_not_this_checkout(installed):
    venv = installed[0]
    done = run(installed, "python", "-c", "import json, speechkit, importlib.metadata as m; print(json.dumps("
               "[speechkit.__file__, m.distribution('speechkit').read_text('direct_url.json')]))")
    where, direct_url = json.loads(done.stdout)
    package = site_packages(venv / "bin" / "python") / "speechkit"
    assert Path(where) == package / "__init__.py"
    assert not json.loads(direct_url).get("dir_info", {}).get("editable", False)
    assert package_files(package) == package_files(ROOT / "speechkit"), "every file of the package is in the wheel"


@pytest.mark.slow
def test_version_and_help_from_outside_the_checkout(installed):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert run(installed, "speechkit", "--version").stdout.strip() == f"speechkit {version}"
    usage = run(installed, "python", "-m", "speechkit", "--help").stdout
    assert "Usage: python -m speechkit" in usage and "augment" in usage and "run" in usage


@pytest.mark.slow
def test_bundled_configs_and_presets_ship_in_the_wheel(installed):
    listed = run(installed, "speechkit", "configs", "list").stdout.split()
    assert {"meeting", "stress-test", "youtube-summary", "noisy-cafe", "phone-call", "far-field"} <= set(listed)


@pytest.mark.slow
def test_augment_with_a_bundled_preset(installed, data_dir):
    out = installed[1] / "augmented"
    run(installed, "speechkit", "augment", str(data_dir / "jfk.flac"), "-p", "noisy-cafe", "-a", str(out / "x.wav"),
        "-d", str(out))
    import soundfile as sf

    assert sf.info(out / "x.wav").duration == pytest.approx(sf.info(data_dir / "jfk.flac").duration, abs=0.01)
    assert json.loads((out / "jfk.augment.json").read_text())["audio"]["path"].endswith("x.wav")


@pytest.mark.slow
def test_run_meeting_on_the_embedded_sample_writes_the_report(installed):
    """The whole default job (base, pyannote, summary) with the report templates from the wheel: ~35 s with one thread."""
    run(installed, "speechkit", "-q", "run", "meeting", "-d", "out", timeout=600)
    out = installed[1] / "out"
    assert {p.name for p in out.iterdir()} >= {"sample.html", "sample.md", "sample.srt", "sample.rttm", "sample.json"}
    assert '<audio id="player"' in (out / "sample.html").read_text()
    assert "SPEAKER_00" in (out / "sample.srt").read_text() and "SPEAKER_01" in (out / "sample.srt").read_text()
