"""Joining speakers diarized block by block into one set of labels for the whole recording.

Long recordings are diarized in blocks so memory stays bounded; each block names its speakers
on its own. A block's speakers are matched to the speakers seen so far by the cosine distance of
their embeddings (one speaker per block matched at most once, as two labels of one block are two
people), with the same threshold the backend's clustering uses within a block.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from speechkit.schema import SpeakerTurn


@dataclass
class BlockResult:
    """One block's diarization, times already absolute (offset by the block start)."""

    turns: list[SpeakerTurn]
    exclusive: list[SpeakerTurn]
    embeddings: dict[str, np.ndarray] = field(default_factory=dict)
    """One centroid per block-local speaker label; empty when the backend gives none."""

    def clipped(self, start: float, end: float) -> BlockResult:
        """Turns cut to the block's audio: pyannote's frames may reach past the last sample."""
        def clip(turns: list[SpeakerTurn]) -> list[SpeakerTurn]:
            return [SpeakerTurn(start=max(t.start, start), end=min(t.end, round(end, 3)), speaker=t.speaker)
                    for t in turns if min(t.end, end) > max(t.start, start)]

        return BlockResult(clip(self.turns), clip(self.exclusive), self.embeddings)


@dataclass
class _Speaker:
    centroid: np.ndarray | None
    weight: float


def _usable(embedding: np.ndarray | None) -> bool:
    """pyannote pads speakers it has no centroid for with zeros; those (and NaN) cannot be compared."""
    return embedding is not None and bool(np.all(np.isfinite(embedding))) and bool(np.any(embedding))


def _seconds(turns: list[SpeakerTurn], label: str) -> float:
    return sum(t.end - t.start for t in turns if t.speaker == label)


def _match(block: BlockResult, speakers: list[_Speaker], threshold: float) -> dict[str, int]:
    """Block-local label -> global index, adding new global speakers for unmatched labels."""
    labels = sorted({t.speaker for t in block.turns})
    known = [label for label in labels if _usable(block.embeddings.get(label))]
    candidates = [i for i, s in enumerate(speakers) if _usable(s.centroid)]
    mapping: dict[str, int] = {}
    if known and candidates:
        distance = cdist(np.stack([block.embeddings[label] for label in known]),
                         np.stack([speakers[i].centroid for i in candidates]), metric="cosine")
        for row, col in zip(*linear_sum_assignment(distance)):
            if distance[row, col] < threshold:
                mapping[known[row]] = candidates[col]
    for label in labels:
        if label not in mapping:
            mapping[label] = len(speakers)
            speakers.append(_Speaker(None, 0.0))
        target, weight = speakers[mapping[label]], _seconds(block.turns, label)
        if label in known:
            embedding = block.embeddings[label]
            target.centroid = embedding if not _usable(target.centroid) else \
                (target.centroid * target.weight + embedding * weight) / max(target.weight + weight, 1e-9)
        target.weight += weight
    return mapping


def _merge_closest(speakers: list[_Speaker], max_speakers: int) -> dict[int, int]:
    """Merge the two closest global speakers until at most ``max_speakers`` remain."""
    parent = {i: i for i in range(len(speakers))}
    alive = [i for i, s in enumerate(speakers) if _usable(s.centroid)]
    while len(set(parent.values())) > max_speakers and len(alive) > 1:
        distance = cdist(np.stack([speakers[i].centroid for i in alive]), np.stack([speakers[i].centroid for i in alive]), "cosine")
        np.fill_diagonal(distance, np.inf)
        a, b = np.unravel_index(np.argmin(distance), distance.shape)
        keep, drop = alive[a], alive[b]
        total = speakers[keep].weight + speakers[drop].weight
        speakers[keep].centroid = (speakers[keep].centroid * speakers[keep].weight
                                   + speakers[drop].centroid * speakers[drop].weight) / max(total, 1e-9)
        speakers[keep].weight = total
        for i, p in parent.items():
            if p == drop:
                parent[i] = keep
        alive.remove(drop)
    return parent


def _merge_touching(turns: list[SpeakerTurn], gap: float = 1e-3) -> list[SpeakerTurn]:
    """A turn cut by a block boundary becomes one turn again."""
    merged: list[SpeakerTurn] = []
    for turn in sorted(turns, key=lambda t: (t.speaker, t.start)):
        last = merged[-1] if merged else None
        if last is not None and last.speaker == turn.speaker and turn.start - last.end <= gap:
            last.end = max(last.end, turn.end)
        else:
            merged.append(turn.model_copy())
    return sorted(merged, key=lambda t: (t.start, t.speaker))


def link_blocks(blocks: list[BlockResult], threshold: float, max_speakers: int | None = None
                ) -> tuple[list[SpeakerTurn], list[SpeakerTurn]]:
    """All blocks' (turns, exclusive turns) under global labels SPEAKER_00, 01... in order of first speech."""
    speakers: list[_Speaker] = []
    mappings = [_match(block, speakers, threshold) for block in blocks]
    parent = _merge_closest(speakers, max_speakers) if max_speakers else {i: i for i in range(len(speakers))}
    first_seen: dict[int, float] = {}
    for block, mapping in zip(blocks, mappings):
        for turn in block.turns:
            root = parent[mapping[turn.speaker]]
            first_seen[root] = min(first_seen.get(root, turn.start), turn.start)
    names = {root: f"SPEAKER_{rank:02d}" for rank, root in enumerate(sorted(first_seen, key=first_seen.get))}

    def relabel(kind: str) -> list[SpeakerTurn]:
        return _merge_touching([SpeakerTurn(start=t.start, end=t.end, speaker=names[parent[mapping[t.speaker]]])
                                for block, mapping in zip(blocks, mappings) for t in getattr(block, kind)])

    return relabel("turns"), relabel("exclusive")
