"""speechkit: speaker-labelled, word-timed transcripts, summaries and ASR stress tests.

``speechkit.transcribe/align/diarize/summarize(...)`` return a :class:`Document`; ``speechkit.load``
gives a reusable stage. Everything is imported on first use, so ``import speechkit`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from speechkit.runtime.threads import prepare_runtimes

prepare_runtimes()  # before torch or CTranslate2 loads an OpenMP runtime, which reads its wait policy once

__version__ = "0.1.0"

_EXPORTS = {
    "transcribe": "speechkit.api", "align": "speechkit.api", "diarize": "speechkit.api",
    "summarize": "speechkit.api", "load": "speechkit.api", "read": "speechkit.api",
    "download": "speechkit.inputs.urls", "Document": "speechkit.schema", "SpeechkitError": "speechkit.errors",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from speechkit.api import align, diarize, load, read, summarize, transcribe
    from speechkit.inputs.urls import download
    from speechkit.errors import SpeechkitError
    from speechkit.schema import Document


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'speechkit' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
