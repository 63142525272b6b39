"""Speech to timed text with Whisper, behind interchangeable backends."""

BACKENDS = {
    "faster-whisper": "speechkit.stages.transcribe.faster_whisper:FasterWhisperTranscriber",
    "whisperx": "speechkit.stages.transcribe.whisperx:WhisperXTranscriber",
    "openai-whisper": "speechkit.stages.transcribe.openai_whisper:OpenAIWhisperTranscriber",
    "transformers": "speechkit.stages.transcribe.transformers:TransformersTranscriber",
}
DEFAULT = "faster-whisper"
