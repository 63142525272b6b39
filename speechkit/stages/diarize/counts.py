"""Speaker-count requests (exact, at least, at most): checked up front, and compared with what was found."""

from __future__ import annotations

from speechkit.errors import SpeechkitError

COUNT_KEYS = ("num_speakers", "min_speakers", "max_speakers")


class SpeakerCountError(SpeechkitError, ValueError):
    """A speaker-count request no recording can satisfy (min above max, a count under one)."""


def _name(key: str, flags: bool) -> str:
    return "--" + key.replace("_", "-") if flags else key


def check_counts(num_speakers: int | None = None, min_speakers: int | None = None, max_speakers: int | None = None,
                 flags: bool = True) -> None:
    """Raise a one-line :class:`SpeakerCountError` for an impossible request; ``flags`` names CLI options."""
    given = {k: v for k, v in zip(COUNT_KEYS, (num_speakers, min_speakers, max_speakers)) if v is not None}
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SpeakerCountError(f"{_name(key, flags)} must be a whole number of at least 1, not {value!r}")
    low, high = given.get("min_speakers"), given.get("max_speakers")
    if low is not None and high is not None and low > high:
        raise SpeakerCountError(f"{_name('min_speakers', flags)} {low} exceeds {_name('max_speakers', flags)} {high}")
    exact = given.get("num_speakers")
    if exact is not None and ((low is not None and exact < low) or (high is not None and exact > high)):
        raise SpeakerCountError(f"{_name('num_speakers', flags)} {exact} lies outside "
                                f"{_name('min_speakers', flags)} {low or 1} .. {_name('max_speakers', flags)} {high or '∞'}")


def count_note(found: int, num_speakers: int | None, min_speakers: int | None, max_speakers: int | None) -> str | None:
    """A caveat for the provenance when the speakers found miss the request, else None."""
    if num_speakers and found != num_speakers:
        return f"{num_speakers} speakers requested, {found} found"
    if min_speakers and found < min_speakers:
        return f"at least {min_speakers} speakers requested, {found} found"
    if max_speakers and found > max_speakers:
        return f"at most {max_speakers} speakers requested, {found} found"
    return None
