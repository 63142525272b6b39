"""Transform specs, presets, the seeded chain, the codec round trip and feature masks (no model weights)."""

import random

import numpy as np
import pytest

from speechkit.stages.augment.chain import apply_chain, snr_db
from speechkit.stages.augment.codec import CODECS, Codec
from speechkit.stages.augment.feature_mask import FeatureMask, masked_features
from speechkit.stages.augment.presets import load_preset, preset_names
from speechkit.stages.augment.transforms import (TransformError, TransformSpec, build, parse_cli_spec, parse_specs,
                                                 resolve_params)

SR = 16000


@pytest.fixture
def speechlike() -> np.ndarray:
    """Two seconds of an amplitude-modulated harmonic tone with pauses (not silence, not stationary)."""
    t = np.arange(2 * SR) / SR
    voiced = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((140, 280, 420, 1100), 1))
    envelope = (np.sin(2 * np.pi * 2 * t) > -0.3).astype(float)
    return (0.1 * voiced * envelope).astype(np.float32)


def test_scalar_fixes_min_and_max_and_aliases_resolve():
    params = resolve_params(TransformSpec("color_noise", {"color": "pink", "snr_db": 10}))
    assert params["min_snr_db"] == params["max_snr_db"] == 10
    assert params["min_f_decay"] == params["max_f_decay"] == pytest.approx(-3.0103, abs=1e-3)
    assert params["p"] == 1.0, "a named transform is applied unless p is given"
    assert resolve_params(TransformSpec("gain", {"p": 0.25}))["p"] == 0.25


def test_room_defaults_keep_runs_reproducible():
    params = resolve_params(TransformSpec("room", {"target_rt60": 0.5}))
    assert params["use_ray_tracing"] is False and params["calculation_mode"] == "rt60"


def test_unknown_names_and_parameters_are_one_clear_error():
    with pytest.raises(TransformError, match="unknown transform 'colour_noise'"):
        parse_specs([{"colour_noise": {}}])
    with pytest.raises(TransformError, match="takes no parameter 'snr'"):
        resolve_params(TransformSpec("color_noise", {"snr": 3}))
    with pytest.raises(TransformError, match="unknown noise color 'plaid'"):
        resolve_params(TransformSpec("color_noise", {"color": "plaid"}))
    with pytest.raises(TransformError, match="min_gain_db cannot be greater"):
        build(TransformSpec("gain", {"min_gain_db": 5, "max_gain_db": -5}))


def test_audiomentations_class_names_work_too():
    assert type(build(TransformSpec("PolarityInversion"))).__name__ == "PolarityInversion"


def test_cli_spec_reads_yaml_scalars():
    spec = parse_cli_spec("color_noise:color=white,snr_db=-5,p=1")
    assert spec == TransformSpec("color_noise", {"color": "white", "snr_db": -5, "p": 1})
    with pytest.raises(TransformError, match="NAME:key=value"):
        parse_cli_spec("gain:min_gain_db")


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_builds_and_runs(name, speechlike):
    description, specs = load_preset(name)
    assert description and specs
    out, drawn = apply_chain(speechlike, SR, specs, seed=3)
    assert out.dtype == np.float32 and np.isfinite(out).all()
    assert len(drawn) == len(specs) and all("should_apply" in d["drawn"] for d in drawn)
    assert abs(len(out) - len(speechlike)) < 0.4 * len(speechlike)


def test_presets_named_in_the_issue_exist():
    assert {"noisy-cafe", "phone-call", "far-field"} <= set(preset_names())
    with pytest.raises(TransformError, match="no such preset"):
        load_preset("underwater")


def test_chain_is_seeded_and_leaves_global_randomness_alone(speechlike):
    specs = parse_specs([{"color_noise": {"color": "white", "snr_db": 5}}, {"gain": {}}, {"shift": {}}])
    random.seed(123)
    np.random.seed(123)
    expected_py, expected_np = random.random(), np.random.random()
    random.seed(123)
    np.random.seed(123)
    a, drawn_a = apply_chain(speechlike, SR, specs, seed=7)
    assert (random.random(), np.random.random()) == (expected_py, expected_np)
    b, drawn_b = apply_chain(speechlike, SR, specs, seed=7)
    c, _ = apply_chain(speechlike, SR, specs, seed=8)
    assert np.array_equal(a, b) and drawn_a == drawn_b
    assert not np.array_equal(a, c)
    assert drawn_a[1]["drawn"]["amplitude_ratio"] != 1.0, "drawn parameters are recorded"


def test_chain_does_not_modify_its_input(speechlike):
    before = speechlike.copy()
    apply_chain(speechlike, SR, parse_specs([{"gain": {"gain_db": 6}}, {"clipping": {}}]), seed=0)
    assert np.array_equal(before, speechlike)


@pytest.mark.parametrize("color", ["white", "pink", "brown"])
@pytest.mark.parametrize("target", [20, 0, -5])
def test_color_noise_hits_the_requested_snr(speechlike, color, target):
    out, _ = apply_chain(speechlike, SR, [TransformSpec("color_noise", {"color": color, "snr_db": target})], seed=1)
    assert snr_db(speechlike, out) == pytest.approx(target, abs=0.5)


@pytest.mark.parametrize("codec", sorted(CODECS))
def test_codec_round_trip_degrades_but_keeps_length(speechlike, codec):
    transform = Codec(codec=codec, min_bitrate=6, max_bitrate=16, p=1.0)
    random.seed(0)
    out = transform(speechlike, SR)
    assert out.shape == speechlike.shape and not np.array_equal(out, speechlike)
    assert snr_db(speechlike, out) > 0, f"{codec} output should still resemble the input"
    allowed = CODECS[codec].bitrates_kbps
    if allowed:
        assert transform.parameters["bitrate_kbps"] in allowed


def test_low_pass_removes_high_frequencies(speechlike):
    out, _ = apply_chain(speechlike, SR, [TransformSpec("low_pass", {"cutoff_freq": 500})], seed=0)
    power_in, power_out = (np.abs(np.fft.rfft(x)) ** 2 for x in (speechlike, out))
    high = np.fft.rfftfreq(len(speechlike), 1 / SR) > 1000
    assert power_out[high].sum() < 0.01 * power_in[high].sum()
    assert power_out[~high].sum() > 0.5 * power_in[~high].sum()


def test_feature_mask_masks_the_drawn_bands():
    features = np.random.default_rng(0).normal(size=(80, 3000)).astype(np.float32)
    mask = FeatureMask(time_masks=3, min_time_width=10, max_time_width=10, freq_masks=1,
                       min_freq_width=5, max_freq_width=5)
    out, drawn = mask.apply(features, np.random.default_rng(1))
    assert len(drawn["time"]) == 3 and len(drawn["freq"]) == 1
    start, width = drawn["time"][0]
    assert width == 10 and np.ptp(out[:, start:start + width]) == 0
    assert np.array_equal(features, np.random.default_rng(0).normal(size=(80, 3000)).astype(np.float32))
    again, drawn_again = mask.apply(features, np.random.default_rng(1))
    assert np.array_equal(out, again) and drawn == drawn_again


def test_masked_features_wraps_and_restores_the_extractor():
    class Extractor:
        sampling_rate = SR

        def __call__(self, audio):
            return np.ones((80, 100), dtype=np.float32) * np.arange(100)

    class Model:
        feature_extractor = Extractor()

    model = Model()
    original = model.feature_extractor
    with masked_features(model, {"time_masks": 1, "min_time_width": 20, "max_time_width": 20, "freq_masks": 0}) as drawn:
        assert model.feature_extractor.sampling_rate == SR
        features = model.feature_extractor(None)
    assert model.feature_extractor is original
    start, width = drawn[0]["time"][0]
    assert width == 20 and np.ptp(features[:, start:start + width]) == 0
    assert not np.array_equal(features, original(None))
