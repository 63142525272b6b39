"""Configs and augmentation presets shipped inside the package, found by name from any directory.

``speechkit run meeting`` and ``augment -p noisy-cafe`` must work after a plain ``pip install``, so
the YAML files live in ``speechkit/configs/`` (package data; the repository's ``configs/`` links there).
A path to a YAML file works wherever a name does.
"""

from __future__ import annotations

from pathlib import Path

from speechkit.errors import SpeechkitError

CONFIG_DIR = Path(__file__).resolve().parent / "configs"
PRESET_DIR = CONFIG_DIR / "augment"


def names(folder: Path = CONFIG_DIR) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def find(name_or_path: str | Path, folder: Path, what: str, error: type[SpeechkitError]) -> Path:
    """An existing file as it is, else the bundled ``<name>.yaml`` in ``folder``, else ``error`` listing the names."""
    path = Path(name_or_path)
    if path.is_file() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    bundled = folder / f"{path.name}.yaml"
    if bundled.is_file():
        return bundled
    raise error(f"{name_or_path}: no such {what} file, and no bundled {what} of that name "
                f"(bundled: {', '.join(names(folder)) or 'none'})")
