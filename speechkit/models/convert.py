"""Converting CTranslate2 Whisper weights into the layouts transformers and openai-whisper load.

No registry ships Whisper in Hugging Face's or openai-whisper's layout, but a CTranslate2
fp16/fp32 ``model.bin`` holds the very same tensors under other names (self-attention's
query/key/value fused into one matrix, cross-attention's key/value into another). Reading the
file and renaming gives both layouts with the same outputs. Each target model is built by its
own library and loaded strictly, so a missing or misshapen tensor fails here, not at inference.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from speechkit.errors import ModelNotFoundError
from speechkit.io import atomic_dir, atomic_write_bytes

CT2_BINARY_VERSION = 6
"""The ``model.bin`` layout ctranslate2 4.x writes (ModelSpec._serialize)."""
CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
"""ctranslate2's DataType enum; 5 (bfloat16) has no numpy type and is refused."""
HF_MARKER = "speechkit-conversion.json"


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = memoryview(data), 0

    def unpack(self, fmt: str) -> Any:
        value = struct.unpack_from(fmt, self.data, self.pos)[0]
        self.pos += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        size = self.unpack("H")
        text = bytes(self.data[self.pos:self.pos + size - 1]).decode("utf-8")
        self.pos += size
        return text

    def take(self, size: int) -> memoryview:
        block = self.data[self.pos:self.pos + size]
        self.pos += size
        return block


def read_ct2(model_bin: Path) -> dict[str, np.ndarray]:
    """Every variable of a CTranslate2 ``model.bin``, aliases resolved (the tied output projection)."""
    reader = _Reader(Path(model_bin).read_bytes())
    version = reader.unpack("I")
    if version != CT2_BINARY_VERSION:
        raise ModelNotFoundError(f"{model_bin}: CTranslate2 binary version {version} cannot be converted "
                                 f"(reads version {CT2_BINARY_VERSION}, as ctranslate2 4.x writes)")
    spec = reader.string()
    if spec != "WhisperSpec":
        raise ModelNotFoundError(f"{model_bin}: a {spec} model, not Whisper")
    reader.unpack("I")  # spec revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(reader.unpack("I")):
        name = reader.string()
        shape = tuple(reader.unpack("I") for _ in range(reader.unpack("B")))
        dtype_id = reader.unpack("B")
        block = reader.take(reader.unpack("I"))
        if dtype_id not in CT2_DTYPES:
            raise ModelNotFoundError(f"{model_bin}: variable {name} has CTranslate2 dtype {dtype_id} (bfloat16), "
                                     "which cannot be converted; use an fp16 or fp32 model")
        variables[name] = np.frombuffer(block, dtype=CT2_DTYPES[dtype_id]).reshape(shape)
    for _ in range(reader.unpack("I")):
        alias, target = reader.string(), reader.string()
        variables[alias] = variables[target]
    if any(name.endswith("weight_scale") for name in variables):
        raise ModelNotFoundError(f"{model_bin}: quantized (int8) CTranslate2 weights cannot be converted; "
                                 "use an fp16 or fp32 model")
    return variables


@dataclass(frozen=True)
class WhisperDims:
    """The architecture, in openai-whisper's ModelDimensions terms, read off the tensors' shapes."""

    n_mels: int
    n_audio_ctx: int
    n_audio_state: int
    n_audio_head: int
    n_audio_layer: int
    n_vocab: int
    n_text_ctx: int
    n_text_state: int
    n_text_head: int
    n_text_layer: int

    @classmethod
    def from_ct2(cls, v: dict[str, np.ndarray]) -> WhisperDims:
        def layers(side: str) -> int:
            return len({m.group(1) for name in v if (m := re.match(rf"{side}/layer_(\d+)/", name))})

        return cls(
            n_mels=v["encoder/conv1/weight"].shape[1],
            n_audio_ctx=v["encoder/position_encodings/encodings"].shape[0],
            n_audio_state=v["encoder/conv1/weight"].shape[0],
            n_audio_head=int(v["encoder/num_heads"]),
            n_audio_layer=layers("encoder"),
            n_vocab=v["decoder/embeddings/weight"].shape[0],
            n_text_ctx=v["decoder/position_encodings/encodings"].shape[0],
            n_text_state=v["decoder/embeddings/weight"].shape[1],
            n_text_head=int(v["decoder/num_heads"]),
            n_text_layer=layers("decoder"),
        )


def hf_state_dict(v: dict[str, np.ndarray], dims: WhisperDims) -> dict[str, np.ndarray]:
    """CTranslate2 names -> ``WhisperForConditionalGeneration`` names (the output projection stays tied)."""
    out: dict[str, np.ndarray] = {}

    def linear(src: str, dst: str) -> None:
        out[f"{dst}.weight"], out[f"{dst}.bias"] = v[f"{src}/weight"], v[f"{src}/bias"]

    def norm(src: str, dst: str) -> None:
        out[f"{dst}.weight"], out[f"{dst}.bias"] = v[f"{src}/gamma"], v[f"{src}/beta"]

    def split(src: str, dst: str, names: tuple[str, ...], width: int) -> None:
        """A fused projection back into its parts; Whisper's key projection has no bias (CT2 padded zeros)."""
        weight, bias = v[f"{src}/weight"], v[f"{src}/bias"]
        for i, name in enumerate(names):
            out[f"{dst}.{name}.weight"] = weight[i * width:(i + 1) * width]
            if name != "k_proj":
                out[f"{dst}.{name}.bias"] = bias[i * width:(i + 1) * width]

    for conv in ("conv1", "conv2"):
        linear(f"encoder/{conv}", f"model.encoder.{conv}")
    out["model.decoder.embed_tokens.weight"] = v["decoder/embeddings/weight"]
    for side, n_layers, width in (("encoder", dims.n_audio_layer, dims.n_audio_state),
                                  ("decoder", dims.n_text_layer, dims.n_text_state)):
        out[f"model.{side}.embed_positions.weight"] = v[f"{side}/position_encodings/encodings"]
        norm(f"{side}/layer_norm", f"model.{side}.layer_norm")
        for i in range(n_layers):
            src, dst = f"{side}/layer_{i}", f"model.{side}.layers.{i}"
            split(f"{src}/self_attention/linear_0", f"{dst}.self_attn", ("q_proj", "k_proj", "v_proj"), width)
            linear(f"{src}/self_attention/linear_1", f"{dst}.self_attn.out_proj")
            norm(f"{src}/self_attention/layer_norm", f"{dst}.self_attn_layer_norm")
            if side == "decoder":
                linear(f"{src}/attention/linear_0", f"{dst}.encoder_attn.q_proj")
                split(f"{src}/attention/linear_1", f"{dst}.encoder_attn", ("k_proj", "v_proj"), width)
                linear(f"{src}/attention/linear_2", f"{dst}.encoder_attn.out_proj")
                norm(f"{src}/attention/layer_norm", f"{dst}.encoder_attn_layer_norm")
            linear(f"{src}/ffn/linear_0", f"{dst}.fc1")
            linear(f"{src}/ffn/linear_1", f"{dst}.fc2")
            norm(f"{src}/ffn/layer_norm", f"{dst}.final_layer_norm")
    return out


_OPENAI_NAMES = [
    (r"^model\.", ""),
    (r"\.layers\.", ".blocks."),
    (r"encoder\.embed_positions\.weight$", "encoder.positional_embedding"),
    (r"decoder\.embed_positions\.weight$", "decoder.positional_embedding"),
    (r"embed_tokens", "token_embedding"),
    (r"encoder\.layer_norm", "encoder.ln_post"),
    (r"decoder\.layer_norm", "decoder.ln"),
    (r"self_attn_layer_norm", "attn_ln"),
    (r"encoder_attn_layer_norm", "cross_attn_ln"),
    (r"self_attn\.", "attn."),
    (r"encoder_attn\.", "cross_attn."),
    (r"q_proj", "query"),
    (r"k_proj", "key"),
    (r"v_proj", "value"),
    (r"out_proj", "out"),
    (r"fc1", "mlp.0"),
    (r"fc2", "mlp.2"),
    (r"final_layer_norm", "mlp_ln"),
]
"""Hugging Face names -> openai-whisper names, applied in order."""


def openai_state_dict(hf: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    renamed = {}
    for name, value in hf.items():
        for pattern, replacement in _OPENAI_NAMES:
            name = re.sub(pattern, replacement, name)
        renamed[name] = value
    return renamed


def _tensors(state: dict[str, np.ndarray]) -> dict[str, Any]:
    import torch

    return {name: torch.from_numpy(np.array(value, dtype=np.float32)) for name, value in state.items()}


def _ct2_config(ct2_dir: Path) -> dict[str, Any]:
    return json.loads((ct2_dir / "config.json").read_text(encoding="utf-8"))


def alignment_heads_mask(heads: list[list[int]], dims: WhisperDims) -> bytes:
    """The cross-attention heads that track time, encoded as openai-whisper's ``_ALIGNMENT_HEADS`` are."""
    mask = np.zeros((dims.n_text_layer, dims.n_text_head), dtype=bool)
    for layer, head in heads:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


def convert_to_openai(ct2_dir: Path, target: Path) -> Path:
    """An openai-whisper checkpoint (``dims`` + fp16 ``model_state_dict``, as OpenAI's own ``.pt`` files);
    ``alignment_heads`` is added so word timestamps use the model's own heads."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    variables = read_ct2(ct2_dir / "model.bin")
    dims = WhisperDims.from_ct2(variables)
    model = Whisper(ModelDimensions(**vars(dims)))
    model.load_state_dict(_tensors(openai_state_dict(hf_state_dict(variables, dims))), strict=True)
    heads = _ct2_config(ct2_dir).get("alignment_heads")
    buffer = io.BytesIO()
    torch.save({"dims": vars(dims), "model_state_dict": model.half().state_dict(),
                "alignment_heads": alignment_heads_mask(heads, dims) if heads else None,
                "converted_from": str(ct2_dir)}, buffer)
    return atomic_write_bytes(target, buffer.getvalue())


def convert_to_hf(ct2_dir: Path, target: Path) -> Path:
    """A transformers directory: fp16 safetensors, config, generation config, tokenizer and feature extractor."""
    from transformers import (WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration,
                              WhisperProcessor, WhisperTokenizerFast)

    variables = read_ct2(ct2_dir / "model.bin")
    dims = WhisperDims.from_ct2(variables)
    tokenizer = WhisperTokenizerFast(tokenizer_file=str(ct2_dir / "tokenizer.json"))
    token = tokenizer.convert_tokens_to_ids
    eot, sot = token("<|endoftext|>"), token("<|startoftranscript|>")
    config = WhisperConfig(
        vocab_size=dims.n_vocab, num_mel_bins=dims.n_mels, d_model=dims.n_audio_state,
        encoder_layers=dims.n_audio_layer, encoder_attention_heads=dims.n_audio_head,
        decoder_layers=dims.n_text_layer, decoder_attention_heads=dims.n_text_head,
        encoder_ffn_dim=variables["encoder/layer_0/ffn/linear_0/weight"].shape[0],
        decoder_ffn_dim=variables["decoder/layer_0/ffn/linear_0/weight"].shape[0],
        max_source_positions=dims.n_audio_ctx, max_target_positions=dims.n_text_ctx,
        pad_token_id=eot, bos_token_id=eot, eos_token_id=eot, decoder_start_token_id=sot,
        suppress_tokens=None, begin_suppress_tokens=None,
    )
    state = hf_state_dict(variables, dims)
    state["proj_out.weight"] = state["model.decoder.embed_tokens.weight"]
    model = WhisperForConditionalGeneration(config)
    model.load_state_dict(_tensors(state), strict=True)
    model.tie_weights()
    model.generation_config = _generation_config(tokenizer, _ct2_config(ct2_dir), dims)
    with atomic_dir(target) as staging:
        model.half().save_pretrained(staging, safe_serialization=True)
        WhisperProcessor(WhisperFeatureExtractor(feature_size=dims.n_mels), tokenizer).save_pretrained(staging)
        (staging / HF_MARKER).write_text(json.dumps({"converted_from": str(ct2_dir)}) + "\n", encoding="utf-8")
    return target


def _generation_config(tokenizer: Any, ct2_config: dict[str, Any], dims: WhisperDims) -> Any:
    """What Whisper's ``generate`` needs beyond the model config, taken from the CT2 config and the tokenizer."""
    from transformers import GenerationConfig

    token = tokenizer.convert_tokens_to_ids
    eot = token("<|endoftext|>")
    multilingual = dims.n_vocab >= 51865  # openai-whisper's own test
    fields: dict[str, Any] = dict(
        bos_token_id=eot, eos_token_id=eot, pad_token_id=eot,
        decoder_start_token_id=token("<|startoftranscript|>"),
        max_length=dims.n_text_ctx,
        no_timestamps_token_id=token("<|notimestamps|>"),
        prev_sot_token_id=token("<|startofprev|>"),
        max_initial_timestamp_index=50,
        suppress_tokens=ct2_config.get("suppress_ids", []),
        begin_suppress_tokens=ct2_config.get("suppress_ids_begin", []),
        alignment_heads=ct2_config.get("alignment_heads"),
        is_multilingual=multilingual,
    )
    if multilingual:
        fields["lang_to_id"] = {tokenizer.convert_ids_to_tokens(i): i for i in ct2_config.get("lang_ids", [])}
        fields["task_to_id"] = {"transcribe": token("<|transcribe|>"), "translate": token("<|translate|>")}
    return GenerationConfig(**fields)
