"""WER and CER with Whisper's text normalisation, so scores compare with the Whisper paper's.

jiwer does the alignment; openai-whisper's normalisers do the text clean-up (English spelling
and number forms for English, the basic one for other languages).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import jiwer


@lru_cache(maxsize=2)
def _normalizer(english: bool):
    from whisper.normalizers import BasicTextNormalizer, EnglishTextNormalizer

    return EnglishTextNormalizer() if english else BasicTextNormalizer()


def normalize(text: str, language: str | None = "en") -> str:
    return " ".join(_normalizer(language in (None, "en"))(text).split())


@dataclass(frozen=True)
class ErrorRates:
    wer: float
    cer: float
    substitutions: int
    deletions: int
    insertions: int
    reference_words: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def error_rates(reference: str, hypothesis: str, language: str | None = "en") -> ErrorRates:
    """Normalised WER/CER of one hypothesis; an empty hypothesis against speech scores 1.0."""
    ref, hyp = normalize(reference, language), normalize(hypothesis, language)
    if not ref:
        raise ValueError("reference text is empty after normalisation")
    words = jiwer.process_words(ref, hyp)
    chars = jiwer.cer(ref, hyp)
    return ErrorRates(
        wer=float(words.wer),
        cer=float(chars),
        substitutions=words.substitutions,
        deletions=words.deletions,
        insertions=words.insertions,
        reference_words=len(ref.split()),
    )


def wer(reference: str, hypothesis: str, language: str | None = "en") -> float:
    return error_rates(reference, hypothesis, language).wer
