"""Word timings for a transcript: wav2vec2 CTC forced alignment (WhisperX), Whisper's cross-attention, or
pocketsphinx HMM forced alignment (English)."""

BACKENDS = {
    "auto": "speechkit.stages.align.auto:AutoAligner",
    "whisperx": "speechkit.stages.align.whisperx:WhisperXAligner",
    "whisper": "speechkit.stages.align.whisper:WhisperAligner",
    "pocketsphinx": "speechkit.stages.align.pocketsphinx:PocketsphinxAligner",
}
DEFAULT = "auto"
