"""The explicit work split: every (input, model, condition, level, seed) is one cell with a stable key.

A cell is self-contained (audio path and checksum, reference, transform chain at its level, model,
transcription options), serialisable as JSON, and keyed by a hash of everything its result depends
on plus the speechkit version, so any process on any machine can run any subset of cells and the
results land in one cache. ``--list-cells`` prints them; ``--shard i/n`` takes every n-th.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from speechkit import __version__
from speechkit.media.audio import probe
from speechkit.errors import SpeechkitError
from speechkit.inputs.documents import is_document
from speechkit.io import read_text
from speechkit.naming import base_name
from speechkit.stress.references import looks_like_path
from speechkit.schema import Document
from speechkit.stress.config import StressConfig

BASELINE = "clean"
"""The condition name of the unaugmented audio (one cell per input and model, no level, no seed)."""


@dataclass(frozen=True)
class StressInput:
    """One recording (or one channel of it) and what was said in it."""

    audio: str
    reference: str
    channel: str | None = None
    sha256: str = ""

    @property
    def name(self) -> str:
        stem = base_name(self.audio)
        return f"{stem}:{self.channel}" if self.channel else stem


def reference_text(value: str) -> str:
    """A reference given as a text file, a document (its transcript) or literal text."""
    path = Path(value)
    if len(value) < 4096 and path.is_file():
        text = Document.load(path).text if is_document(path) else read_text(path, "reference file", SpeechkitError)
        if not text.strip():
            raise SpeechkitError(f"{path}: reference is empty")
        return text.strip()
    if looks_like_path(value):  # a typo in a file name must not become the reference text
        raise SpeechkitError(f"{value}: no such reference file (give an existing .txt/.json file or the text itself)")
    if not value.strip():
        raise SpeechkitError("reference text is empty")
    return value.strip()


def make_input(audio: str | Path, reference: str, channel: str | None = None) -> StressInput:
    """Check the audio (exists, decodable, channel present) and checksum it once, up front."""
    info = probe(audio, channel=channel)
    return StressInput(audio=info.path, reference=reference_text(reference), channel=channel, sha256=info.sha256 or "")


def inputs_from_paths(paths: list[Path], references: list[str], channel: str | None = None) -> list[StressInput]:
    """One reference per input, or one for all; a document brings its audio (and channel) and, by
    default, its transcript as the reference."""
    if references and len(references) not in (1, len(paths)):
        raise SpeechkitError(f"{len(references)} references for {len(paths)} inputs: give one for all or one each")
    items = []
    for i, path in enumerate(paths):
        reference = references[i if len(references) > 1 else 0] if references else None
        if is_document(path):
            doc = Document.load(path)
            if doc.audio is None:
                raise SpeechkitError(f"{path}: document has no audio")
            items.append(make_input(doc.audio.path, reference or str(path), channel or doc.audio.channel))
        elif reference is None:
            raise SpeechkitError(f"{path}: no reference: give --reference TEXT_OR_FILE (or a transcribed document)")
        else:
            items.append(make_input(path, reference, channel))
    return items


@dataclass(frozen=True)
class Cell:
    input: StressInput
    model: str
    condition: str
    level: float | None
    seed: int | None
    transforms: list[dict[str, Any]] = field(default_factory=list)
    backend: str = "faster-whisper"
    transcribe: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        identity = asdict(self)
        identity["input"] = {"sha256": self.input.sha256, "channel": self.input.channel,
                              "reference": self.input.reference}
        identity["speechkit"] = __version__
        blob = json.dumps(identity, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:24]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cell:
        data = {k: v for k, v in data.items() if k != "key"}
        return cls(**{**data, "input": StressInput(**data["input"])})


def plan(config: StressConfig, inputs: list[StressInput]) -> list[Cell]:
    """All cells, in a stable order: model, then condition, level, seed, input."""
    common = dict(backend=config.backend, transcribe=dict(config.transcribe))
    cells = []
    for model in config.models:
        if config.baseline:
            cells += [Cell(item, model, BASELINE, None, None, **common) for item in inputs]
        for condition in config.conditions:
            for level in condition.levels:
                chain = [s.as_dict() for s in condition.at_level(level)]
                cells += [Cell(item, model, condition.name, level, seed, chain, **common)
                          for seed in config.seeds for item in inputs]
    return cells


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` (0 <= i < n) -> (i, n)."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise SpeechkitError(f"--shard {text!r}: expected i/n, e.g. 0/4") from None
    if not 0 <= index < count:
        raise SpeechkitError(f"--shard {text!r}: need 0 <= i < n")
    return index, count


def shard(cells: list[Cell], index: int, count: int) -> list[Cell]:
    """Every ``count``-th cell from ``index``: shards are disjoint, cover all cells, and mix conditions."""
    return cells[index::count]
