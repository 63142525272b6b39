"""Pronunciations for words a CMU-style dictionary lacks: numbers, symbols, compounds, acronyms, names.

Forced alignment needs phones for every word it places. A transcript word is looked up as it is
(lower-cased, outer punctuation dropped); failing that it is cut into pieces (letters, numbers,
symbols) and each piece is read: a number as English number words ("1961" -> nineteen sixty one,
"40%" -> forty percent, "3rd" -> third), a symbol as its name, a letter run from the dictionary,
as a compound of dictionary words ("speechkit" -> speech kit), spelled out when it is a short
all-capitals acronym, and as a last resort by simple English spelling rules. The word's text is
never changed: only the phones given to the aligner come from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Lookup = Callable[[str], "str | None"]
"""A word -> its space-separated phones in the dictionary, or None."""

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred"))
ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
            "nine": "ninth", "twelve": "twelfth"}
SYMBOLS = {"%": "percent", "$": "dollars", "€": "euros", "£": "pounds", "&": "and", "+": "plus", "@": "at",
           "#": "number", "=": "equals", "°": "degrees"}
CURRENCIES = ("$", "€", "£")
PIECES = re.compile(r"\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?|[^\W\d_]+(?:'[^\W\d_]+)*|[%$€£&+@#=°]")
OUTER = ".,;:!?\"()[]{}…—–-'"
QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
ACRONYM_MAX = 5

# Last resort: English spelling to ARPABET, longest letter group first (a guess, but of about the
# right length, which is what a word's time needs).
SPELLING = {
    "tch": "CH", "igh": "AY", "ch": "CH", "sh": "SH", "th": "TH", "ph": "F", "ck": "K", "ng": "NG", "qu": "K W",
    "wh": "W", "gh": "G", "kn": "N", "ee": "IY", "ea": "IY", "oo": "UW", "ou": "AW", "ow": "OW", "ai": "EY",
    "ay": "EY", "oi": "OY", "oy": "OY", "au": "AO", "aw": "AO", "ie": "IY", "ei": "EY", "er": "ER", "ir": "ER",
    "ur": "ER", "ar": "AA R", "or": "AO R", "a": "AE", "b": "B", "c": "K", "d": "D", "e": "EH", "f": "F", "g": "G",
    "h": "HH", "i": "IH", "j": "JH", "k": "K", "l": "L", "m": "M", "n": "N", "o": "AA", "p": "P", "q": "K", "r": "R",
    "s": "S", "t": "T", "u": "AH", "v": "V", "w": "W", "x": "K S", "y": "IY", "z": "Z",
}


@dataclass(frozen=True)
class Pronunciation:
    phones: str
    guessed: bool
    """True when some of it came from spelling rules, not from dictionary words."""


def number_words(n: int) -> list[str]:
    """``n`` (0 <= n < 10**12) in English words: 1961 -> one thousand nine hundred sixty one."""
    if n < 20:
        return [ONES[n]]
    if n < 100:
        return [TENS[n // 10]] + ([ONES[n % 10]] if n % 10 else [])
    for value, name in SCALES:
        if n >= value:
            rest = number_words(n % value) if n % value else []
            return number_words(n // value) + [name] + rest
    raise AssertionError(n)


def _ordinal(words: list[str]) -> list[str]:
    last = words[-1]
    if last in ORDINALS:
        last = ORDINALS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return words[:-1] + [last]


def number_to_words(text: str) -> list[str]:
    """A written number as spoken: years read in pairs, decimals digit by digit, ordinals as ordinals."""
    ordinal = text[-2:].isalpha()
    digits = text[:-2] if ordinal else text
    whole, _, fraction = digits.replace(",", "").partition(".")
    n = int(whole)
    if len(whole) == 4 and "," not in digits and not fraction and (1100 <= n <= 1999 or 2010 <= n <= 2099):
        words = number_words(n // 100) + (number_words(n % 100) if n % 100 >= 10
                                          else ["oh", ONES[n % 100]] if n % 100 else ["hundred"])
    elif n >= 10**12:
        words = [ONES[int(d)] for d in whole]
    else:
        words = number_words(n)
    if ordinal:
        words = _ordinal(words)
    if fraction:
        words += ["point"] + [ONES[int(d)] for d in fraction]
    return words


def _compound(word: str, lookup: Lookup) -> list[str] | None:
    """``word`` as the fewest dictionary words of two or more letters, if it is one."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(end - 1):
            head = best[start]
            if head is not None and (best[end] is None or len(head) + 1 < len(best[end])):
                phones = lookup(word[start:end])
                if phones:
                    best[end] = head + [phones]
    return best[-1] if best[-1] and len(best[-1]) > 1 else None


def spell(word: str) -> str:
    """Phones from English spelling rules alone."""
    word = word.lower().replace("'", "")
    if len(word) > 3 and word.endswith("e") and word[-2] not in "aeiou":
        word = word[:-1]  # a silent final e
    phones: list[str] = []
    i = 0
    while i < len(word):
        for size in (3, 2, 1):
            group = word[i:i + size]
            if group in SPELLING:
                sound = SPELLING[group]
                if not phones or phones[-1] != sound:  # a doubled letter is one sound
                    phones.append(sound)
                i += size
                break
        else:
            i += 1  # a letter outside a-z: no sound of its own
    return " ".join(phones)


def _letters(piece: str, lookup: Lookup) -> tuple[str, bool] | None:
    lower = piece.lower()
    found = lookup(lower)
    if found:
        return found, False
    for suffix in ("'s", "s'"):
        base = lookup(lower[:-2]) if lower.endswith(suffix) else None
        if base:
            return base + " Z", False
    if piece.isupper() and len(piece) <= ACRONYM_MAX:
        letters = [lookup(c.lower()) for c in piece]
        if all(letters):
            return " ".join(letters), False  # type: ignore[arg-type]
    parts = _compound(lower.replace("'", ""), lookup)
    if parts:
        return " ".join(parts), False
    guess = spell(lower)
    return (guess, True) if guess else None


def dictionary_form(token: str) -> str:
    """How a transcript word is looked up: lower case, straight apostrophes, outer punctuation dropped."""
    return token.translate(QUOTES).strip().strip(OUTER).lower()


def pronounce(token: str, lookup: Lookup) -> Pronunciation | None:
    """Phones for a transcript word, or None when it has nothing to say (punctuation alone)."""
    direct = lookup(dictionary_form(token))
    if direct:
        return Pronunciation(direct, False)
    text = token.translate(QUOTES).strip()
    pieces = PIECES.findall(text)
    for i in range(len(pieces) - 1):
        if pieces[i] in CURRENCIES and pieces[i + 1][0].isdigit():
            pieces[i], pieces[i + 1] = pieces[i + 1], pieces[i]  # "$5" is said "five dollars"
    phones, guessed = [], False
    for piece in pieces:
        if piece in SYMBOLS or piece[0].isdigit():
            for word in [SYMBOLS[piece]] if piece in SYMBOLS else number_to_words(piece):
                found = lookup(word)
                phones.append(found or spell(word))
                guessed |= not found
            continue
        read = _letters(piece, lookup)
        if read:
            phones.append(read[0])
            guessed |= read[1]
    return Pronunciation(" ".join(phones), guessed) if phones else None
