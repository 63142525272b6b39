"""One CAM++ embedding per (window, local speaker), as pyannote's pipeline asks for them, at a fraction of the cost.

pyannote embeds every speaker of every 10 s window, and the windows start 1 s apart: each second
of speech goes through the embedding network ten times, which was 83 % of the diarizer's time.
Two things here give the same clustering input for much less:

* the filterbank features are computed once for the whole block and sliced per window (the windows
  start on whole 10 ms frames, so the slices equal what each window's own filterbank gives);
* only every ``stride``-th window is embedded; a speaker of a window in between takes the embedding
  of the same local speaker in the nearest embedded window on either side, when the two windows'
  segmentations agree that it is the same voice over the audio they share (they share 8-9 s of
  10). Where no neighbour agrees (a voice only that window hears), it is embedded itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

EMBEDDING_DIM = 192
MIN_FRAMES = 20
"""Fewer than 0.2 s of a speaker's speech in a chunk gives an embedding too noisy to cluster: NaN, which pyannote skips."""
FRAME_SHIFT = 160
"""Kaldi filterbank frames are 10 ms (160 samples at 16 kHz) apart."""
SAME_VOICE = 0.5
"""Share of a speaker's active frames in the shared audio that a neighbour's speaker must also cover, both ways."""
EMBEDDING_STRIDE = 2
"""Embed every second window; the ones between reuse a neighbour's embedding (see module docstring)."""


def fbank(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """(samples,) -> (frames, 80) Kaldi filterbanks, as 3D-Speaker computes them for CAM++."""
    import torch
    import torchaudio.compliance.kaldi as kaldi

    return kaldi.fbank(torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))[None], num_mel_bins=80,
                       sample_frequency=sample_rate, dither=0.0).numpy()


def frame_mask(mask: np.ndarray, frames: int) -> np.ndarray:
    """A segmentation mask (its own frame rate) resampled to ``frames`` filterbank frames, nearest neighbour."""
    import torch
    import torch.nn.functional as F

    return F.interpolate(torch.from_numpy(mask)[None, None], size=frames, mode="nearest")[0, 0].numpy() > 0.5


def normalised(features: np.ndarray) -> np.ndarray:
    """One speaker's (frames, 80) filterbanks as CAM++ takes them: (1, frames, 80), mean removed."""
    return (features - features.mean(axis=0, keepdims=True))[None]


def used_masks(binarized: np.ndarray, exclude_overlap: bool, min_num_frames: int) -> np.ndarray:
    """pyannote's choice of frames per (chunk, speaker): without overlapped speech when enough is left."""
    masks = np.nan_to_num(binarized, nan=0.0).astype(np.float32)
    if not exclude_overlap:
        return masks
    clean = masks * (np.sum(masks, axis=2, keepdims=True) < 2)
    enough = np.sum(clean, axis=1, keepdims=True) > min_num_frames
    return np.where(enough, clean, masks)


def neighbour(masks: np.ndarray, chunk: int, speaker: int, anchors: list[int], shift: float) -> tuple[int, int] | None:
    """The (anchor chunk, speaker) whose activity matches ``speaker``'s in ``chunk`` over their shared frames.

    ``shift`` is the number of segmentation frames between consecutive chunk starts. Both must cover
    :data:`SAME_VOICE` of each other's activity there, and the match covering most frames wins.
    """
    frames = masks.shape[1]
    own = masks[chunk, :, speaker] > 0
    best, best_shared = None, 0
    for anchor in anchors:
        offset = int(round((chunk - anchor) * shift))  # chunk frame i is anchor frame i + offset
        if abs(offset) >= frames:
            continue
        mine = own[max(0, -offset):frames - max(0, offset)]
        for other in range(masks.shape[2]):
            theirs = masks[anchor, max(0, offset):frames + min(0, offset), other] > 0
            shared = int(np.sum(mine & theirs))
            if shared > best_shared and shared >= SAME_VOICE * own.sum() and shared >= SAME_VOICE * theirs.sum():
                best, best_shared = (anchor, other), shared
    return best


def chunk_embeddings(samples: np.ndarray, sample_rate: int, binarized: Any, exclude_overlap: bool,
                     min_num_frames: int, network: Any, stride: int = EMBEDDING_STRIDE,
                     hook: Callable[..., None] | None = None) -> np.ndarray:
    """(chunks, local speakers, 192) embeddings for pyannote's binarized segmentation of ``samples``.

    ``network`` is CAM++ (:class:`~speechkit.stages.diarize.onnx.OnnxModel`): ``map`` takes
    (1, frames, 80) mean-normalised filterbanks to (1, 192) each. A speaker with fewer than
    :data:`MIN_FRAMES` frames gets NaN, which pyannote's clustering skips. ``stride`` 1 embeds every
    window, as pyannote does.
    """
    window = binarized.sliding_window
    chunks, frames, speakers = binarized.data.shape
    chunk_samples = int(round(window.duration * sample_rate))
    starts = [int(round(window[c].start * sample_rate)) for c in range(chunks)]
    if any(s % FRAME_SHIFT for s in starts):
        raise ValueError("chunks must start on whole filterbank frames")
    padded = np.zeros(max(starts[-1] + chunk_samples, samples.size), dtype=np.float32)
    padded[:samples.size] = samples  # pyannote pads the last chunks with zeros
    features = fbank(padded, sample_rate)
    chunk_frames = fbank(np.zeros(chunk_samples, dtype=np.float32), sample_rate).shape[0]
    masks = used_masks(binarized.data, exclude_overlap, min_num_frames)
    active = np.nan_to_num(binarized.data, nan=0.0)
    shift = window.step * frames / window.duration
    embeddings = np.full((chunks, speakers, EMBEDDING_DIM), np.nan, dtype=np.float32)
    anchors = sorted(set(range(0, chunks, stride)) | {chunks - 1})
    between = [c for c in range(chunks) if c not in set(anchors)]
    total, finished = chunks * speakers, 0

    def embed(pairs: list[tuple[int, int]]) -> None:
        nonlocal finished
        wanted = []
        for chunk, speaker in pairs:
            first = starts[chunk] // FRAME_SHIFT
            selected = features[first:first + chunk_frames][frame_mask(masks[chunk, :, speaker], chunk_frames)]
            if selected.shape[0] >= MIN_FRAMES:
                wanted.append(((chunk, speaker), normalised(selected)))
        done = None if hook is None else lambda count: hook("embeddings", None, total=total,
                                                            completed=min(total, finished + count))
        outputs = network.map([batch for _, batch in wanted], done)
        for ((chunk, speaker), _), output in zip(wanted, outputs):
            embeddings[chunk, speaker] = output[0]
        finished += len(pairs)

    embed([(c, k) for c in anchors for k in range(speakers) if masks[c, :, k].any()])
    unmatched = []
    for chunk in between:
        before = anchors[np.searchsorted(anchors, chunk) - 1]
        after = anchors[np.searchsorted(anchors, chunk)]
        for speaker in range(speakers):
            if not masks[chunk, :, speaker].any():
                continue
            match = neighbour(active, chunk, speaker, [before, after], shift)
            if match is not None and not np.isnan(embeddings[match][0]):
                embeddings[chunk, speaker] = embeddings[match]
            else:
                unmatched.append((chunk, speaker))
    embed(unmatched)
    if hook is not None:
        hook("embeddings", None, total=total, completed=total)
    return embeddings
