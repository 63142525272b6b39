"""Audio and video in: decoding to 16 kHz samples, and decoded samples shared within a run."""
