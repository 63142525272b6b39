"""Telling a reference file name from reference text, so a missing file is an error, not a transcript."""

from __future__ import annotations

import re

FILE_SUFFIXES = (".txt", ".json", ".ref", ".trn", ".stm", ".text")


def looks_like_path(value: str) -> bool:
    """One token with a path separator or a reference file's suffix: ``refs/typo.txt``, ``ref.json``."""
    token = value.strip()
    if not token or re.search(r"\s", token):
        return False
    return "/" in token or token.lower().endswith(FILE_SUFFIXES)
