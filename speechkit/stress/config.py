"""The stress-test conditions config (YAML): models, seeds, transcription options and conditions.

Each condition is a transform chain (as in augment presets) and the levels of one parameter to
sweep; a level sets that parameter on every transform of the chain that takes it (a scalar fixes
``min_*``/``max_*``). See ``configs/stress-test.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from speechkit.bundled import CONFIG_DIR, find
from speechkit.errors import OptionsError, SpeechkitError
from speechkit.io import read_yaml
from speechkit.models import DEFAULT_WHISPER
from speechkit.registry import load_backend
from speechkit.stress.references import looks_like_path
from speechkit.validation import first_error
from speechkit.stages.augment.transforms import TransformSpec, build, parse_specs


class StressConfigError(SpeechkitError):
    """A conditions config that cannot be run: malformed YAML, unknown transforms, bad levels."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Model):
    name: str
    description: str = ""
    transforms: list[dict[str, Any]]
    vary: str
    levels: list[float] = Field(min_length=1)

    @field_validator("transforms")
    @classmethod
    def _known(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        parse_specs(value)
        return value

    @model_validator(mode="after")
    def _varies_something(self) -> Condition:
        specs = self.specs()
        if not any(s.accepts(self.vary) for s in specs):
            raise ValueError(f"no transform of condition {self.name!r} takes {self.vary!r}")
        for spec in self.at_level(self.levels[0]):  # fail on bad parameters now, not mid-run
            build(spec)
        return self

    def specs(self) -> list[TransformSpec]:
        return parse_specs(self.transforms, origin=f"condition {self.name!r}")

    def at_level(self, level: float) -> list[TransformSpec]:
        """The chain with the swept parameter set to ``level`` wherever it applies."""
        value: float | int = int(level) if float(level).is_integer() else level
        return [s.with_value(self.vary, value) if s.accepts(self.vary) else s for s in self.specs()]


class InputSpec(_Model):
    audio: str
    reference: str
    channel: str | None = None


class StressConfig(_Model):
    models: list[str] = Field(default_factory=lambda: [DEFAULT_WHISPER], min_length=1)
    seeds: list[int] = Field(default_factory=lambda: [0, 1, 2], min_length=1)
    backend: str = "faster-whisper"
    transcribe: dict[str, Any] = Field(default_factory=lambda: {"language": "en"})
    baseline: bool = Field(default=True, description="also transcribe the clean audio once per model and input")
    conditions: list[Condition] = Field(min_length=1)
    inputs: list[InputSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _transcribe_options(self) -> StressConfig:
        """The transcriber's options, checked before any cell runs (a typo must not cost a whole grid)."""
        backend = load_backend("transcribe", self.backend)
        for model in self.models:
            try:
                backend(**self.transcribe, model=model)
            except OptionsError as exc:
                raise ValueError(str(exc)) from None
        return self

    @field_validator("conditions", mode="before")
    @classmethod
    def _named(cls, value: Any) -> Any:
        """YAML writes conditions as a mapping name -> body."""
        if isinstance(value, dict):
            return [{"name": name, **(body or {})} for name, body in value.items()]
        return value


def parse_config(data: Any, origin: str = "<config>", base_dir: Path | None = None) -> StressConfig:
    if not isinstance(data, dict):
        raise StressConfigError(f"{origin}: a stress config is a mapping with 'conditions'")
    try:
        config = StressConfig.model_validate(data)
    except ValidationError as exc:
        where, message = first_error(exc)
        raise StressConfigError(f"{origin}: invalid at '{where}': {message}") from None
    except SpeechkitError as exc:
        raise StressConfigError(f"{origin}: {exc}") from None
    if base_dir is not None:  # input and reference paths in a config file are relative to it
        inputs = [i.model_copy(update={"audio": str((base_dir / i.audio).resolve()),
                                       "reference": relative_reference(i.reference, base_dir)})
                  for i in config.inputs]
        config = config.model_copy(update={"inputs": inputs})
    return config


def relative_reference(reference: str, base_dir: Path) -> str:
    """A reference that names a file, resolved against the config's folder; literal text as it is."""
    return str((base_dir / reference).resolve()) if looks_like_path(reference) else reference


def load_config(path: str | Path) -> StressConfig:
    """A conditions config by path, or a bundled one by name (``stress-test``)."""
    path = find(path, CONFIG_DIR, "conditions config", StressConfigError)
    data = read_yaml(path, "conditions config", StressConfigError)
    return parse_config(data, origin=str(path), base_dir=path.parent)


DEFAULT_CONFIG = CONFIG_DIR / "stress-test.yaml"


def override(config: StressConfig, models: list[str] | None = None, seeds: list[int] | None = None,
             conditions: list[str] | None = None) -> StressConfig:
    """The config with models or seeds replaced, or only the named conditions kept."""
    update: dict[str, Any] = {}
    if models:
        update["models"] = models
    if seeds:
        update["seeds"] = seeds
    if conditions:
        known = {c.name: c for c in config.conditions}
        unknown = [name for name in conditions if name not in known]
        if unknown:
            raise StressConfigError(f"unknown condition(s) {', '.join(unknown)} (config has: {', '.join(known)})")
        update["conditions"] = [known[name] for name in conditions]
    return config.model_copy(update=update)
