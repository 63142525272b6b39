"""Hugging Face transformers' Whisper: ``generate`` in its sequential long-form mode, with word timestamps.

Weights come from :func:`speechkit.models.resolve.resolve_hf_whisper` (the packaged CTranslate2
weights, converted once), or any local transformers Whisper directory given with ``--model``.
Long-form decoding (whole audio, segment by segment, as openai-whisper does) is transformers'
recommended and most accurate mode; words take their times from the cross-attention heads.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from speechkit.media.audio import SAMPLE_RATE
from speechkit.models.cache import Loaded
from speechkit.models.resolve import resolve_hf_whisper
from speechkit.schema import Segment
from speechkit.segments import make_segment
from speechkit.stages.run import Run
from speechkit.stages.transcribe.common import (MEL_FRAMES_PER_SECOND, Decoded, Progress, TorchWhisperTranscriber,
                                                choose_language, pick_device)

WINDOW_FRAMES = 3000
"""Whisper's 30 s of log-mel frames; shorter audio is padded to it (short-form), longer goes long-form."""


class TransformersTranscriber(TorchWhisperTranscriber):
    name = "transformers"
    libraries = ("transformers", "torch")

    def load(self) -> Loaded:
        from transformers import WhisperForConditionalGeneration, WhisperProcessor
        from transformers.utils import logging

        logging.set_verbosity_error()  # generate() warns about defaults it fills in itself
        resolved = resolve_hf_whisper(self.options.model)
        model = WhisperForConditionalGeneration.from_pretrained(resolved.path).to(pick_device(self.options.device)).eval()
        return Loaded((model, WhisperProcessor.from_pretrained(resolved.path)), str(resolved.path))

    def features(self, processor: Any, samples: np.ndarray, model_device: Any) -> Any:
        inputs = processor(samples, sampling_rate=SAMPLE_RATE, return_tensors="pt", truncation=False,
                           padding="longest", return_attention_mask=True)
        if inputs.input_features.shape[-1] < WINDOW_FRAMES:
            inputs = processor(samples, sampling_rate=SAMPLE_RATE, return_tensors="pt", return_attention_mask=True)
        return inputs.to(model_device)

    @staticmethod
    def detect_language(model: Any, features: Any) -> tuple[str, float]:
        """The most likely language token after <|startoftranscript|> on the first 30 s, and its probability
        (``WhisperForConditionalGeneration.detect_language`` gives the token only)."""
        import torch

        lang_to_id = model.generation_config.lang_to_id
        start = torch.tensor([[model.generation_config.decoder_start_token_id]], device=model.device)
        with torch.inference_mode():
            logits = model(input_features=features.input_features[..., :WINDOW_FRAMES],
                           decoder_input_ids=start).logits
        probs = logits[0, -1, list(lang_to_id.values())].softmax(-1)
        best = int(probs.argmax())
        return list(lang_to_id)[best].strip("<|>"), float(probs[best])

    def decode(self, loaded: tuple[Any, Any], samples: np.ndarray, progress: Progress, run: Run) -> Decoded:
        import torch

        model, processor = loaded
        inputs = self.features(processor, samples, model.device)
        multilingual = model.generation_config.is_multilingual
        language, probability = choose_language(self.options.language, multilingual,
                                                lambda: self.detect_language(model, inputs))
        words = self.options.word_timestamps
        with torch.inference_mode():
            out = model.generate(**inputs, num_beams=self.options.beam_size, return_timestamps=True,
                                 return_segments=True, return_token_timestamps=words,
                                 # the frame each window starts at, before it is decoded: the windows before are done
                                 monitor_progress=lambda seek: progress(float(seek[0, 0]) / MEL_FRAMES_PER_SECOND),
                                 **self.generate_options(processor, model, language, multilingual))
        return Decoded(language, probability,
                       [self.segment(processor.tokenizer, seg, words) for seg in out["segments"][0]])

    def generate_options(self, processor: Any, model: Any, language: str, multilingual: bool) -> dict[str, Any]:
        """task and language (multilingual models only), the prompt as token ids, and the temperature, for ``generate``."""
        o, out = self.options, {}
        if multilingual:
            out.update(language=language, task=o.task)
        if o.initial_prompt is not None:
            out["prompt_ids"] = processor.get_prompt_ids(o.initial_prompt, return_tensors="pt").to(model.device)
        if o.temperature is not None:
            out.update(temperature=o.temperature, do_sample=o.temperature > 0)
        return out

    @staticmethod
    def segment(tokenizer: Any, seg: dict[str, Any], words: bool) -> Segment:
        """A generated segment with its words; the words are collated from tokens by the tokenizer's own
        ``_decode_asr``, exactly as transformers' ASR pipeline does for ``return_timestamps="word"``."""
        tokens = seg["tokens"]
        chunks: list[dict[str, Any]] = []
        if words and "token_timestamps" in seg:
            outputs = [{"tokens": tokens[None], "token_timestamps": seg["token_timestamps"][None]}]
            _, found = tokenizer._decode_asr(outputs, return_timestamps="word", return_language=False,
                                             time_precision=0.02)
            chunks = [{"word": c["text"], "start": c["timestamp"][0], "end": c["timestamp"][1]}
                      for c in found["chunks"]]
        text = tokenizer.decode(tokens, skip_special_tokens=True)
        return make_segment(float(seg["start"]), float(seg["end"]), text, chunks)
