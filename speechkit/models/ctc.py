"""Finding a wav2vec2 CTC model for a language without the network: WhisperX's per-language defaults.

A model counts as available offline when it is a local directory, a torchaudio bundle whose
checkpoint is already in torch's hub cache, or a hub id already in the Hugging Face cache.
"""

from __future__ import annotations

from pathlib import Path

from speechkit.extras import install_hint, missing


def default_ctc_model(language: str | None) -> str | None:
    """WhisperX's default alignment model for ``language`` (torchaudio bundles first, as WhisperX does)."""
    from whisperx.alignment import DEFAULT_ALIGN_MODELS_HF, DEFAULT_ALIGN_MODELS_TORCH

    language = language or "en"
    return DEFAULT_ALIGN_MODELS_TORCH.get(language) or DEFAULT_ALIGN_MODELS_HF.get(language)


def _torchaudio_checkpoint(name: str) -> Path | None:
    import torch
    import torchaudio

    if name not in torchaudio.pipelines.__all__:
        return None
    return Path(torch.hub.get_dir()) / "checkpoints" / Path(getattr(torchaudio.pipelines, name)._path).name


def available_offline(name: str) -> bool:
    path = Path(name).expanduser()
    if path.is_dir():
        return (path / "config.json").is_file()
    checkpoint = _torchaudio_checkpoint(name)
    if checkpoint is not None:
        return checkpoint.is_file()
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(name, "config.json"), str)


def resolve_ctc(language: str | None, model: str | None = None) -> tuple[str | None, str]:
    """(model usable offline or None, what was tried, for provenance and error messages)."""
    if missing("whisperx"):
        return None, f"no CTC alignment: whisperx is not installed ({install_hint('whisperx')})"
    candidate = model or default_ctc_model(language)
    if candidate is None:
        return None, f"WhisperX has no default CTC model for language {language!r}"
    if available_offline(candidate):
        return candidate, f"CTC model {candidate} found offline"
    return None, f"CTC model {candidate} not available offline (no local directory, torch hub or Hugging Face cache entry)"
