"""Speech to timed text with Whisper, behind interchangeable backends."""

BACKENDS = {
    "faster-whisper": "speechkit.stages.transcribe.faster_whisper:FasterWhisperTranscriber",
}
DEFAULT = "faster-whisper"
