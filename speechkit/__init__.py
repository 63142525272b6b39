"""speechkit: speaker-labelled, word-timed transcripts, summaries and ASR stress tests."""

__version__ = "0.1.0"
