"""Named augmentation presets: YAML files bundled in ``speechkit/configs/augment/`` (``noisy-cafe``, ``phone-call``, ...).

A preset is ``description`` plus ``transforms`` (a list of ``{name: {param: value}}``); a path to
any such YAML file works wherever a preset name does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from speechkit.bundled import PRESET_DIR, names
from speechkit.io import read_yaml

if TYPE_CHECKING:
    from speechkit.stages.augment.transforms import TransformSpec

def preset_names() -> list[str]:
    return names(PRESET_DIR)


def preset_path(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    return PRESET_DIR / f"{name_or_path}.yaml"


def load_preset(name_or_path: str) -> tuple[str, list[TransformSpec]]:
    """The preset's description and transforms."""
    from speechkit.stages.augment.transforms import TransformError, parse_specs  # audiomentations: slow import

    path = preset_path(name_or_path)
    if not path.is_file():
        raise TransformError(f"{name_or_path}: no such preset (presets: {', '.join(preset_names()) or 'none'}) "
                             "and no such YAML file")
    data = read_yaml(path, "preset", TransformError)
    if not isinstance(data, dict) or "transforms" not in data:
        raise TransformError(f"{path}: a preset is a mapping with 'transforms' (and a 'description')")
    return str(data.get("description", "")), parse_specs(data["transforms"], origin=str(path))
