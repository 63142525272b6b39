"""Quality measures: word and character error rates, diarization error rate."""
