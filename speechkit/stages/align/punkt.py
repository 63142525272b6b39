"""Sentence splitting for ``whisperx.align`` without ``nltk.download``.

whisperx.align loads NLTK's ``punkt_tab`` model and downloads it when missing, which fails
offline. When it is not installed, an untrained Punkt model (empty parameter tables) is written
to speechkit's cache and put on NLTK's path: it still splits at . ! ? but knows no abbreviations,
so "Dr. Smith" becomes two sentences.
"""

from __future__ import annotations

from speechkit.models.resolve import cache_root

PUNKT_FILES = ("collocations.tab", "sent_starters.txt", "abbrev_types.txt", "ortho_context.tab")


def ensure_punkt(language: str | None) -> str | None:
    """Make ``tokenizers/punkt_tab/<language>`` loadable; a note when the untrained fallback is used."""
    import nltk
    from whisperx.utils import PUNKT_LANGUAGES

    name = PUNKT_LANGUAGES.get(language or "en", "english")
    try:
        nltk.data.find(f"tokenizers/punkt_tab/{name}/")
        return None
    except LookupError:
        pass
    root = cache_root() / "nltk_data"
    folder = root / "tokenizers" / "punkt_tab" / name
    folder.mkdir(parents=True, exist_ok=True)
    for file in PUNKT_FILES:
        (folder / file).touch()
    if str(root) not in nltk.data.path:
        nltk.data.path.append(str(root))
    return f"NLTK punkt_tab ({name}) not installed: sentences split by untrained Punkt (no abbreviation list)"
