"""The default input: the real two-speaker call that ships inside pyannote.audio (MIT), with its reference.

It is on every machine that has the stack, so ``speechkit run configs/meeting.yaml`` works with no
input at all.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from speechkit.errors import SpeechkitError


def _sample_dir() -> Path:
    spec = find_spec("pyannote.audio")
    if spec is None or not spec.submodule_search_locations:
        raise SpeechkitError("no input given and pyannote.audio (whose sample is the default input) is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "sample"


def default_input() -> Path:
    return _sample_dir() / "sample.wav"


def default_reference() -> str:
    """The sample's transcript, from the STM file beside it (``uri channel speaker start end words...``)."""
    lines = (_sample_dir() / "sample.stm").read_text(encoding="utf-8").splitlines()
    return " ".join(" ".join(line.split()[5:]) for line in lines if line.strip())
