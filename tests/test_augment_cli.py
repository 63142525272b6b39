"""``speechkit augment`` on real recordings: reproducible files, recorded draws, exact SNRs, clean errors."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from speechkit.media.audio import load_audio, sha256
from speechkit.inputs.documents import document_from_audio
from speechkit.registry import load_backend
from speechkit.schema import Document
from speechkit.stages.augment.chain import snr_db
from speechkit.stages.augment.transforms import TransformError

SPEECHKIT = [str(Path(sys.executable).parent / "speechkit")]


def speechkit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*SPEECHKIT, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def augment(source: Path, tmp_path: Path, name: str, channel: str | None = None, **options):
    doc = document_from_audio(source, channel)
    backend = load_backend("augment", "audiomentations")(audio_output=str(tmp_path / f"{name}.flac"), **options)
    return backend(doc)


def test_same_seed_gives_byte_identical_audio_and_different_seeds_differ(data_dir, tmp_path):
    outputs = {}
    for run, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        result = speechkit("augment", str(data_dir / "jfk.flac"), "--preset", "noisy-cafe", "--seed", seed,
                           "-a", f"jfk.{run}.flac", "-o", f"jfk.{run}.json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"jfk.{run}.json"
        outputs[run] = (tmp_path / f"jfk.{run}.flac").read_bytes()
    assert outputs["a"] == outputs["b"]
    assert outputs["a"] != outputs["c"]

    doc = Document.load(tmp_path / "jfk.a.json")
    assert doc.source.uri == str((data_dir / "jfk.flac").resolve())
    assert doc.audio.path == str((tmp_path / "jfk.a.flac").resolve())
    assert doc.audio.sha256 == sha256(tmp_path / "jfk.a.flac")
    assert doc.audio.duration == pytest.approx(11.0, abs=0.01), "reverb keeps the length"
    record = doc.provenance[-1]
    assert (record.stage, record.backend, record.parameters["seed"]) == ("augment", "audiomentations", 3)
    room, noise = record.parameters["drawn"]
    assert 0.3 <= room["drawn"]["target_rt60"] <= 0.5
    assert noise["transform"] == "color_noise" and noise["drawn"]["desired_noise_rms"] > 0
    assert record.parameters["input_sha256"] == sha256(data_dir / "jfk.flac")


def test_recorded_parameters_reproduce_the_file(data_dir, tmp_path):
    first = augment(data_dir / "jfk.flac", tmp_path, "first", preset="phone-call", seed=11)
    recorded = first.provenance[-1].parameters
    again = augment(data_dir / "jfk.flac", tmp_path, "again", transforms=recorded["transforms"], seed=recorded["seed"])
    assert again.audio.sha256 == first.audio.sha256
    assert again.provenance[-1].parameters["drawn"] == recorded["drawn"]
    codec = recorded["drawn"][2]
    assert codec["transform"] == "codec" and codec["drawn"]["bitrate_kbps"] in (4.75, 5.15, 5.9, 6.7, 7.4, 7.95, 10.2, 12.2)


def _measured_snr(doc: Document, source: Path, channel: str | None) -> float:
    """SNR of the written file against the clean input, undoing the recorded peak-protection gain."""
    clean = load_audio(source, channel=channel)
    gain = 10 ** (doc.provenance[-1].parameters.get("output_gain_db", 0.0) / 20)
    return snr_db(clean, load_audio(doc.audio.path) / gain)


@pytest.mark.parametrize("color", ["white", "pink", "brown"])
def test_measured_snr_of_the_file_is_within_half_a_db(data_dir, tmp_path, color):
    for source, channel in ((data_dir / "jfk.flac", None), (data_dir / "stereo_diarization.wav", "left")):
        for target in (30, 10, 0, -5):
            doc = augment(source, tmp_path, f"{color}{target}", channel,
                          transforms=[{"color_noise": {"color": color, "snr_db": target}}], seed=target + 7)
            assert _measured_snr(doc, source, channel) == pytest.approx(target, abs=0.5), (source.name, target)


def test_real_background_recording_mixed_at_the_requested_snr(data_dir, tmp_path):
    """A recorded meeting (dev00.wav) as background babble under jfk.flac."""
    doc = augment(data_dir / "jfk.flac", tmp_path, "babble", seed=2,
                  transforms=[{"background_noise": {"sounds_path": str(data_dir / "dev00.wav"), "snr_db": 5}}])
    assert _measured_snr(doc, data_dir / "jfk.flac", None) == pytest.approx(5, abs=0.5)
    assert doc.provenance[-1].parameters["drawn"][0]["drawn"]["noise_file_path"].endswith("dev00.wav")


def test_channels_are_augmented_separately(data_dir, tmp_path):
    stereo = data_dir / "stereo_diarization.wav"
    left = augment(stereo, tmp_path, "left", "left", transforms=[{"gain": {"gain_db": -6}}])
    right = augment(stereo, tmp_path, "right", "right", transforms=[{"gain": {"gain_db": -6}}])
    assert left.audio.channels == right.audio.channels == 1 and left.audio.sha256 != right.audio.sha256
    assert left.provenance[-1].parameters["input_channel"] == "left"
    expected = load_audio(stereo, channel="left") * 10 ** (-6 / 20)
    assert np.allclose(load_audio(left.audio.path), expected, atol=1e-4)


def test_feature_masking_is_refused_for_audio(data_dir, tmp_path):
    with pytest.raises(TransformError, match="log-mel features at inference"):
        augment(data_dir / "jfk.flac", tmp_path, "mask", transforms=[{"feature_mask": {}}])


def test_errors_are_one_line_and_leave_inputs_untouched(data_dir, tmp_path):
    missing = speechkit("augment", "nope.wav", "-t", "gain", cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.strip() == "speechkit: error: nope.wav: no such file"

    unknown = speechkit("augment", str(data_dir / "jfk.flac"), "-t", "colour_noise:snr_db=5", cwd=tmp_path)
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1
    assert "unknown transform 'colour_noise'" in unknown.stderr

    copy = tmp_path / "input.flac"
    copy.write_bytes((data_dir / "jfk.flac").read_bytes())
    before = sha256(copy)
    clash = speechkit("augment", str(copy), "-t", "gain", "-a", str(copy), cwd=tmp_path)
    assert clash.returncode == 2 and "refusing to overwrite the input" in clash.stderr
    assert sha256(copy) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.flac"], "nothing written on failure"

    corrupt = tmp_path / "input.flac"
    corrupt.write_bytes(b"not audio at all" * 10)
    bad = speechkit("augment", str(corrupt), "-t", "gain", "-a", "out.flac", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith(f"speechkit: error: {corrupt}: ")
    assert len(bad.stderr.strip().splitlines()) == 1 and not (tmp_path / "out.flac").exists()
