"""Word attribution and cpWER on hand-made cases whose answers are worked out by hand."""

import pytest

from speechkit.metrics.attribution import ReferenceTurn, cp_wer, texts_by_speaker, word_attribution
from speechkit.schema import Word

TURNS = [ReferenceTurn(0.0, 2.0, "alice", "one two three"), ReferenceTurn(2.5, 4.0, "bob", "four five"),
         ReferenceTurn(4.5, 6.0, "carol", "six seven")]


def _words(*labels: tuple[float, str | None]) -> list[Word]:
    return [Word(word=f"w{i}", start=t, end=t + 0.2, speaker=s) for i, (t, s) in enumerate(labels)]


def test_attribution_is_label_free_and_uses_the_best_one_to_one_mapping():
    perfect = _words((0.1, "S1"), (0.5, "S1"), (2.6, "S0"), (4.6, "S2"))
    assert word_attribution(perfect, TURNS) == 1.0
    # one hypothesis speaker for alice and bob: only one of them can be mapped to it
    merged = _words((0.1, "S0"), (0.5, "S0"), (1.0, "S0"), (2.6, "S0"), (3.0, "S0"), (4.6, "S1"))
    assert word_attribution(merged, TURNS) == pytest.approx(4 / 6)


def test_attribution_counts_unlabelled_and_unmapped_words_as_wrong():
    words = _words((0.1, "S0"), (0.5, None), (2.6, "S1"), (2.9, "S2"))  # S1 and S2 both bob: one maps
    assert word_attribution(words, TURNS) == pytest.approx(2 / 4)


def test_a_word_between_turns_belongs_to_the_nearest_turn():
    # 2.1-2.3 is 0.1 s after alice's end and 0.2 s before bob's start (but nearer bob's midpoint): alice's
    assert word_attribution(_words((2.1, "S0"), (2.6, "S1"), (3.0, "S1")), TURNS) == 1.0
    assert word_attribution(_words((2.1, "S1"), (2.6, "S1"), (3.0, "S1")), TURNS) == pytest.approx(2 / 3)


def test_cpwer_pairs_speakers_by_least_errors_and_charges_extra_or_missing_speakers():
    reference = {"alice": "the cat sat on the mat", "bob": "hello there"}
    assert cp_wer(reference, {"X": "hello there", "Y": "the cat sat on the mat"}) == 0.0
    # bob's words attributed to alice: 2 deletions for bob, 2 insertions for alice, over 8 words
    assert cp_wer(reference, {"X": "the cat sat on the mat hello there"}) == pytest.approx(4 / 8)
    # a third, invented speaker: its words are all insertions
    assert cp_wer(reference, {"X": "hello there", "Y": "the cat sat on the mat", "Z": "yes"}) == pytest.approx(1 / 8)


def test_texts_by_speaker_joins_each_speakers_words_in_order():
    words = [Word(word="a", speaker="S0"), Word(word="b", speaker="S1"), Word(word="c", speaker="S0")]
    assert texts_by_speaker(words) == {"S0": "a c", "S1": "b"}
    assert texts_by_speaker(TURNS[:2]) == {"alice": "one two three", "bob": "four five"}
