"""The intermediate document every stage reads and writes.

This module is the spine of speechkit: stages, exporters and the CLI import it,
and it imports nothing of them. Its JSON is a superset of WhisperX's output
(``segments`` with ``words``, ``word_segments``, ``language``), so WhisperX
files load as documents and speechkit files read as WhisperX output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field, model_validator

from speechkit.errors import DocumentError
from speechkit.io import atomic_write_text, read_text
from speechkit.validation import first_error

SCHEMA_VERSION = "1.2"
"""Major.minor: a reader accepts any minor of its own major. 1.1 added ``Segment.language``;
1.2 added ``Provenance.load_time``."""
_CURRENT = tuple(int(part) for part in SCHEMA_VERSION.split("."))

STAGES = ("download", "augment", "transcribe", "align", "diarize", "summarize")
"""The stages in pipeline order: a provenance record's ``stage`` and a document file's ``.<stage>.json`` suffix."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


Seconds = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
"""A time in the recording: finite and not negative, or subtitles would end before they start."""


class _Span(_Model):
    @model_validator(mode="after")
    def _ordered(self) -> _Span:
        start, end = getattr(self, "start", None), getattr(self, "end", None)
        if start is not None and end is not None and end < start:
            raise ValueError(f"ends at {end} s, before it starts at {start} s")
        return self


class Word(_Span):
    """One word; ``start``/``end`` are None only before alignment gave it a time."""

    word: str
    start: Seconds | None = None
    end: Seconds | None = None
    score: float | None = None
    speaker: str | None = None


class Segment(_Span):
    start: Seconds
    end: Seconds
    text: str
    words: list[Word] = Field(default_factory=list)
    speaker: str | None = None
    language: str | None = None
    """Set by per-segment language detection (``--multilingual``); otherwise the document's language holds."""
    avg_logprob: float | None = None
    no_speech_prob: float | None = None


class SpeakerTurn(_Span):
    """One diarization turn, as a line of RTTM; turns of different speakers may overlap."""

    start: Seconds
    end: Seconds
    speaker: str


class Speaker(_Model):
    id: str
    name: str | None = None
    speech_seconds: float = 0.0


class Chapter(_Span):
    start: Seconds
    end: Seconds | None = None
    title: str


class Source(_Model):
    """Where the audio came from: a local file or a downloaded URL."""

    kind: Literal["file", "url"] = "file"
    uri: str
    title: str | None = None
    uploader: str | None = None
    duration: float | None = None
    webpage_url: str | None = None
    chapters: list[Chapter] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class Audio(_Model):
    """The audio the stages work on (possibly derived from the source by ``augment``)."""

    path: str
    sample_rate: int | None = None
    channels: int | None = None
    duration: float | None = None
    codec: str | None = None
    channel: str | None = Field(default=None, description="channel selected for processing: left, right, an index, or None for a mono mix")
    sha256: str | None = None


class ChapterSummary(_Model):
    start: float
    end: float | None = None
    title: str | None = None
    summary: str


class Summary(_Model):
    overall: str
    speakers: dict[str, list[str]] = Field(default_factory=dict, description="key points per speaker id")
    chapters: list[ChapterSummary] = Field(default_factory=list)


class Provenance(_Model):
    """What one stage did: enough to reproduce it and to judge its output."""

    stage: str
    backend: str
    model: str | None = None
    model_path: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    versions: dict[str, str] = Field(default_factory=dict)
    started_at: str
    wall_time: float
    real_time_factor: float | None = Field(default=None, description="wall time / audio duration")
    load_time: float | None = Field(
        default=None, description="seconds of wall_time spent loading the model; 0 when it was already loaded "
                                  "in this process (None in records written before schema 1.2)")
    notes: list[str] = Field(default_factory=list, description="caveats, e.g. that a model carries random weights")

    @property
    def processing_time(self) -> float:
        """The wall time less the model loading: what the stage costs once its model is loaded (as in a batch)."""
        return max(0.0, self.wall_time - (self.load_time or 0.0))

    @property
    def processing_rtf(self) -> float | None:
        """:attr:`processing_time` / audio duration (from ``real_time_factor``); None where that is unknown."""
        if not self.real_time_factor or not self.wall_time:
            return None
        return round(self.real_time_factor * self.processing_time / self.wall_time, 4)


class Document(_Model):
    schema_version: str = SCHEMA_VERSION
    source: Source | None = None
    audio: Audio | None = None
    language: str | None = None
    language_probability: float | None = None
    segments: list[Segment] = Field(default_factory=list)
    diarization: list[SpeakerTurn] = Field(default_factory=list)
    speakers: list[Speaker] = Field(default_factory=list)
    summary: Summary | None = None
    provenance: list[Provenance] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def word_segments(self) -> list[Word]:
        """All words in order, as WhisperX's top-level ``word_segments``."""
        return [w for s in self.segments for w in s.words]

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    def stages_run(self) -> list[str]:
        return [p.stage for p in self.provenance]

    # --- (de)serialisation -------------------------------------------------

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)

    @classmethod
    def from_dict(cls, data: Any, origin: str = "<document>") -> Document:
        if not isinstance(data, dict):
            raise DocumentError(f"{origin}: not a speechkit document (top level is {type(data).__name__}, expected an object)")
        data = dict(data)
        version = data.get("schema_version")
        if version is None:
            if "segments" not in data:
                raise DocumentError(f"{origin}: not a speechkit or WhisperX document (no 'schema_version' and no 'segments')")
            data = _from_whisperx(data, origin)
        else:
            read = _major_minor(str(version))
            if read is None or read[0] != _CURRENT[0]:
                raise DocumentError(
                    f"{origin}: schema version {version} is not supported by this speechkit "
                    f"(reads {_CURRENT[0]}.x); upgrade speechkit or re-run the stages"
                )
            if read > _CURRENT:  # a newer 1.x adds optional fields only: read what this one knows
                data = known_fields(cls, data)
            else:  # an older 1.x holds a subset of these fields: read strictly, relabelled as what a save writes
                data["schema_version"] = SCHEMA_VERSION
        data.pop("word_segments", None)
        try:
            doc = cls.model_validate(data)
        except ValidationError as exc:
            where, message = first_error(exc)
            raise DocumentError(f"{origin}: invalid document at '{where}': {message} ({exc.error_count()} error(s))") from None
        _check_order(doc.segments, origin)
        return doc

    def save(self, path: str | Path) -> Path:
        """Write the document as JSON, atomically (a reader never sees half a file)."""
        return atomic_write_text(path, self.to_json() + "\n")

    @classmethod
    def load(cls, path: str | Path) -> Document:
        raw = read_text(path, "file", DocumentError)
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"{path}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
        return cls.from_dict(data, origin=str(path))


def _major_minor(version: str) -> tuple[int, int] | None:
    """``"1.1"`` as ``(1, 1)`` (``"1"`` as ``(1, 0)``); ``None`` for what is not a version."""
    parts = (version.split(".") + ["0"])[:2]
    return (int(parts[0]), int(parts[1])) if all(p.isdigit() for p in parts) else None


def _check_order(segments: list[Segment], origin: str) -> None:
    """Segments must start in time order (they may overlap): out of order, subtitles and the report's
    timeline jump backwards. Checked on reading, where foreign documents come in."""
    for i in range(1, len(segments)):
        if segments[i].start < segments[i - 1].start:
            raise DocumentError(f"{origin}: invalid document at 'segments.{i}': starts at {segments[i].start} s, "
                                f"before segment {i - 1} at {segments[i - 1].start} s (segments out of order)")


_WORD_KEYS = set(Word.model_fields)
_SEGMENT_KEYS = set(Segment.model_fields)


def _from_whisperx(data: dict[str, Any], origin: str) -> dict[str, Any]:
    """Map WhisperX's JSON output (segments/words/word_segments/language) onto the schema."""
    segments = []
    for seg in data.get("segments") or []:
        if not isinstance(seg, dict):
            raise DocumentError(f"{origin}: WhisperX document: segment is {type(seg).__name__}, expected an object")
        s = {k: v for k, v in seg.items() if k in _SEGMENT_KEYS}
        s["words"] = [{k: v for k, v in w.items() if k in _WORD_KEYS} for w in seg.get("words") or []]
        segments.append(s)
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "segments": segments}
    if data.get("language"):
        out["language"] = data["language"]
    speakers = sorted({s["speaker"] for s in segments if s.get("speaker")})
    if speakers:
        out["speakers"] = [{"id": sp} for sp in speakers]
    return out


def json_schema() -> dict[str, Any]:
    return Document.model_json_schema(mode="serialization")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The document model inside a field's annotation (``list[Segment]``, ``Audio | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def known_fields(model: type[BaseModel], data: Any) -> Any:
    """``data`` without the keys ``model`` (and its nested models) does not declare."""
    if isinstance(data, list):
        return [known_fields(model, item) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        field = model.model_fields.get(key)
        if field is not None:
            inner = _model_in(field.annotation)
            out[key] = known_fields(inner, value) if inner is not None else value
    return out
