"""Where each Whisper size would resolve, in each layout, looked up without loading, joining or converting."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec

from speechkit.models.resolve import HF, HUB_IDS, OPENAI, PACKAGED, cache_root, converted_path, hub_allowed, is_ct2_dir


@dataclass(frozen=True)
class ModelStatus:
    name: str
    ct2: str  # where CTranslate2 weights are, or would come from
    hf: str
    openai: str


def _ct2_source(name: str) -> str:
    cached = cache_root() / "models" / "ct2" / name
    if is_ct2_dir(cached):
        return f"cache {cached}"
    if name in PACKAGED:
        package, _ = PACKAGED[name]
        modules = [p.strip().replace("-", "_") for p in package.split("+")]
        if all(find_spec(m) for m in modules):
            return f"package {package}"
    if hub_allowed():
        return f"hub {HUB_IDS[name]} (downloaded on first use)"
    return "missing (offline: no cache, no package)"


def model_status(name: str) -> ModelStatus:
    ct2 = _ct2_source(name)
    layouts = []
    for layout in (HF, OPENAI):
        path = converted_path(layout, name)
        layouts.append(f"cache {path}" if layout.is_model(path) else
                       "converted on first use" if not ct2.startswith("missing") else "missing")
    return ModelStatus(name, ct2, *layouts)


def inventory() -> list[ModelStatus]:
    """Every known size name, packaged ones first."""
    names = list(PACKAGED) + [n for n in HUB_IDS if n not in PACKAGED]
    return [model_status(n) for n in names]
