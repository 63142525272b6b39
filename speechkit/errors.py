"""Errors that the CLI turns into one line naming the file and the problem, and a non-zero exit."""


class SpeechkitError(Exception):
    """A user-facing failure; its message is complete and needs no traceback."""

    exit_code = 2


class AudioError(SpeechkitError):
    """Audio that cannot be used: missing, empty, corrupt, not audio, unsupported codec."""


class DocumentError(SpeechkitError):
    """A document that cannot be read: malformed JSON, invalid content, unknown schema version."""


class ModelNotFoundError(SpeechkitError):
    """No weights for a model anywhere we may look; the message names what was tried and the fix."""


class BackendError(SpeechkitError):
    """An unknown backend, or one whose library is not installed."""


class OutputError(SpeechkitError):
    """An output that would overwrite an input, or cannot be written."""


class OptionsError(SpeechkitError):
    """A backend option that does not exist or has the wrong type, caught before any model loads."""


class DownloadError(SpeechkitError):
    """A URL that gives no audio: invalid, unsupported, removed, private, unreachable, stalled or too big."""
