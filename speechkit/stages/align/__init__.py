"""Word timings for a transcript: wav2vec2 CTC forced alignment (WhisperX) or Whisper's cross-attention."""

BACKENDS = {
    "auto": "speechkit.stages.align.auto:AutoAligner",
    "whisperx": "speechkit.stages.align.whisperx:WhisperXAligner",
    "whisper": "speechkit.stages.align.whisper:WhisperAligner",
}
DEFAULT = "auto"
