"""Pipeline stages, one package each, in pipeline order: augment, transcribe, align, diarize, summarize."""
