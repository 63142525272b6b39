"""Transforms by name, built from plain specs as written in presets, stress configs and on the command line.

A spec is one name and its parameters, in audiomentations' conventions (``p``, ``min_*``/``max_*``).
A scalar given for a ranged parameter fixes it: ``snr_db: 10`` means ``min_snr_db = max_snr_db = 10``;
that is also how a stress level is set. Unlike audiomentations' default ``p=0.5``, a transform you
name is applied unless you give ``p``. Any audiomentations class name works too (``AddShortNoises``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import audiomentations as am
import yaml
from audiomentations.core.transforms_interface import BaseWaveformTransform

from speechkit.errors import SpeechkitError
from speechkit.stages.augment.codec import Codec
from speechkit.stages.augment.feature_mask import FeatureMask


class TransformError(SpeechkitError):
    """An unknown transform, or parameters it does not take."""


TRANSFORMS: dict[str, type[BaseWaveformTransform]] = {
    "color_noise": am.AddColorNoise,  # white/pink/brown noise at an SNR: color: pink, snr_db: 10
    "gaussian_snr": am.AddGaussianSNR,
    "background_noise": am.AddBackgroundNoise,  # real noise recordings: sounds_path: DIR_OR_FILE
    "short_noises": am.AddShortNoises,
    "shift": am.Shift,
    "time_stretch": am.TimeStretch,  # speed change, pitch kept
    "pitch_shift": am.PitchShift,
    "gain": am.Gain,
    "impulse_response": am.ApplyImpulseResponse,  # measured rooms: ir_path: DIR_OR_FILE
    "room": am.RoomSimulator,  # simulated reverb (pyroomacoustics image source model)
    "low_pass": am.LowPassFilter,
    "high_pass": am.HighPassFilter,
    "band_pass": am.BandPassFilter,
    "clipping": am.ClippingDistortion,
    "distortion": am.TanhDistortion,
    "codec": Codec,  # mp3, opus, amr-nb (GSM-like), mulaw, aac at a bitrate
}
"""Waveform transforms, applied in order to the samples."""

INFERENCE_TRANSFORMS: dict[str, Callable[..., Any]] = {"feature_mask": FeatureMask}
"""Transforms a transcription backend applies to its features (see ``feature_mask`` in faster-whisper)."""

DEFAULTS: dict[str, dict[str, Any]] = {
    # pyroomacoustics' ray tracer draws from an unseeded C++ generator: seeded runs need it off;
    # with rt60 given, the image-source order follows from Sabine's formula (up to max_order).
    "room": {"use_ray_tracing": False, "calculation_mode": "rt60", "max_order": 12, "leave_length_unchanged": True},
    # Slowed speech must not be cut off at the original length.
    "time_stretch": {"leave_length_unchanged": False},
}

ALIASES: dict[str, dict[str, Callable[[Any], tuple[str, Any]]]] = {
    "color_noise": {"color": lambda name: ("f_decay", _noise_decay(name))},
}


def _noise_decay(color: str) -> float:
    if color not in am.NOISE_COLOR_DECAYS:
        raise TransformError(f"unknown noise color {color!r} (colors: {', '.join(am.NOISE_COLOR_DECAYS)})")
    return float(am.NOISE_COLOR_DECAYS[color])


@dataclass(frozen=True)
class TransformSpec:
    """One named transform and the parameters given for it (before defaults and ranges are resolved)."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def at_inference(self) -> bool:
        return self.name in INFERENCE_TRANSFORMS

    def as_dict(self) -> dict[str, Any]:
        return {self.name: dict(self.params)}

    def with_value(self, parameter: str, value: Any) -> TransformSpec:
        return TransformSpec(self.name, {**self.params, parameter: value})

    def accepts(self, parameter: str) -> bool:
        names = _signature(factory(self.name))
        return parameter in names or {f"min_{parameter}", f"max_{parameter}"} <= names


def factory(name: str) -> Callable[..., Any]:
    if name in TRANSFORMS:
        return TRANSFORMS[name]
    if name in INFERENCE_TRANSFORMS:
        return INFERENCE_TRANSFORMS[name]
    cls = getattr(am, name, None)
    if isinstance(cls, type) and issubclass(cls, BaseWaveformTransform):
        return cls
    known = ", ".join([*TRANSFORMS, *INFERENCE_TRANSFORMS])
    raise TransformError(f"unknown transform {name!r} (transforms: {known}, or an audiomentations class name)")


def _signature(fn: Callable[..., Any]) -> set[str]:
    return {n for n in inspect.signature(fn).parameters if n not in ("self", "args", "kwargs")}


def resolve_params(spec: TransformSpec) -> dict[str, Any]:
    """The keyword arguments for the transform: defaults, aliases, scalars fixing ``min_*``/``max_*``."""
    accepted = _signature(factory(spec.name))
    params: dict[str, Any] = {"p": 1.0, **DEFAULTS.get(spec.name, {})}
    for key, value in spec.params.items():
        if key in ALIASES.get(spec.name, {}):
            key, value = ALIASES[spec.name][key](value)
        if key in accepted:
            params[key] = value
        elif {f"min_{key}", f"max_{key}"} <= accepted:
            params[f"min_{key}"] = params[f"max_{key}"] = value
        else:
            raise TransformError(f"transform {spec.name!r} takes no parameter {key!r} "
                                 f"(parameters: {', '.join(sorted(accepted))})")
    return {k: v for k, v in params.items() if k in accepted}


def build(spec: TransformSpec) -> Any:
    """An audiomentations-style transform (or a FeatureMask) ready to call."""
    try:
        return factory(spec.name)(**resolve_params(spec))
    except (TypeError, ValueError, AssertionError, ImportError) as exc:
        raise TransformError(f"transform {spec.name!r}: {exc or type(exc).__name__}") from None


def parse_specs(items: Any, origin: str = "transforms") -> list[TransformSpec]:
    """Specs from a YAML/JSON list of ``{name: {param: value}}`` (or bare names)."""
    if not isinstance(items, list):
        raise TransformError(f"{origin}: expected a list of transforms, got {type(items).__name__}")
    specs = []
    for item in items:
        if isinstance(item, str):
            specs.append(TransformSpec(item))
        elif isinstance(item, Mapping) and len(item) == 1:
            name, params = next(iter(item.items()))
            if params is not None and not isinstance(params, Mapping):
                raise TransformError(f"{origin}: parameters of {name!r} must be a mapping, got {params!r}")
            specs.append(TransformSpec(str(name), dict(params or {})))
        else:
            raise TransformError(f"{origin}: each transform is one name with its parameters, got {item!r}")
    for spec in specs:
        factory(spec.name)
    return specs


def parse_cli_spec(text: str) -> TransformSpec:
    """``color_noise:color=pink,snr_db=10`` -> a spec; values are read as YAML scalars (numbers, booleans)."""
    name, _, rest = text.partition(":")
    params: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise TransformError(f"--transform {text!r}: expected NAME:key=value,key=value")
        params[key.strip()] = yaml.safe_load(value)
    (spec,) = parse_specs([{name.strip(): params}], origin=f"--transform {text!r}")
    return spec
