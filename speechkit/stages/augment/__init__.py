"""Degrading audio on purpose, seeded and recorded: noise, reverb, band limits, codecs, distortion.

Transforms are audiomentations' (and its conventions: ``p``, ``min_*``/``max_*``) plus a codec
round trip through PyAV; SpecAugment-style masking acts on log-mel features at inference
(:mod:`speechkit.stages.augment.feature_mask`), not on the waveform.
"""

BACKENDS = {
    "audiomentations": "speechkit.stages.augment.audiomentations:AudiomentationsAugmenter",
}
DEFAULT = "audiomentations"
