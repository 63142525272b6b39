"""Speaker-aware summaries of a transcript: overall, key points per speaker, chapters with times."""

BACKENDS = {
    "auto": "speechkit.stages.summarize.auto:AutoSummarizer",
    "extractive": "speechkit.stages.summarize.extractive:ExtractiveSummarizer",
    "transformers": "speechkit.stages.summarize.seq2seq:Seq2SeqSummarizer",
}
DEFAULT = "auto"
