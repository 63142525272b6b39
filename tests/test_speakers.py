"""Speaker assignment and re-segmentation on hand-made turns: every word labelled, no segment mixes speakers."""

from speechkit.schema import Segment, SpeakerTurn, Word
from speechkit.speakers import FALLBACK_SPEAKER, assign_speakers, label_words, nearest_speaker, split_segments


def _segment(*words: tuple[str, float | None, float | None]) -> Segment:
    timed = [w for w in words if w[1] is not None]
    return Segment(start=timed[0][1], end=timed[-1][2], text=" ".join(w[0] for w in words),
                   words=[Word(word=w, start=s, end=e) for w, s, e in words])


TURNS = [SpeakerTurn(start=0.0, end=2.0, speaker="A"), SpeakerTurn(start=2.0, end=4.0, speaker="B"),
         SpeakerTurn(start=6.0, end=20.0, speaker="A")]


def test_majority_overlap_decides_a_word_spanning_a_change():
    seg = _segment(("hello", 0.1, 0.5), ("there", 1.8, 2.5), ("friend.", 2.6, 3.0))
    words = label_words([seg], TURNS)[0].words
    assert [w.speaker for w in words] == ["A", "B", "B"]


def test_word_in_a_gap_takes_the_nearest_turn_edge_not_the_nearest_midpoint():
    # 5.9 s is 0.1 s before A's long turn (midpoint 13 s) and 1.9 s after B's (midpoint 3 s)
    seg = _segment(("well", 5.8, 5.9))
    assert label_words([seg], TURNS)[0].words[0].speaker == "A"
    assert nearest_speaker(4.5, 4.6, TURNS) == "B"


def test_untimed_words_follow_their_neighbours_and_none_is_left_without_speaker():
    seg = _segment(("one", None, None), ("two", 2.5, 3.0), ("%", None, None))
    words = label_words([seg], TURNS)[0].words
    assert [w.speaker for w in words] == ["B", "B", "B"]


def test_resegmentation_splits_at_speaker_changes_and_sentence_ends():
    seg = _segment(("Hi.", 0.1, 0.4), ("How", 0.5, 0.7), ("are", 0.8, 1.0), ("you?", 2.1, 2.4), ("Fine", 2.5, 2.8))
    out = assign_speakers([seg], TURNS, "en")
    assert [(s.text, s.speaker) for s in out] == [("Hi.", "A"), ("How are", "A"), ("you?", "B"), ("Fine", "B")]
    for piece in out:
        assert {w.speaker for w in piece.words} == {piece.speaker}
        assert piece.start == piece.words[0].start and piece.end == piece.words[-1].end


def test_languages_without_spaces_are_joined_without_spaces():
    seg = Segment(start=0, end=1, text="你好。再见", words=[Word(word="你好。", start=0, end=0.4, speaker="A"),
                                                            Word(word="再见", start=0.5, end=1, speaker="A")])
    assert [s.text for s in split_segments([seg], "zh")] == ["你好。", "再见"]


def test_no_turns_labels_every_word_with_the_fallback_speaker():
    out = assign_speakers([_segment(("hello", 0.1, 0.5))], [], "en")
    assert out[0].speaker == FALLBACK_SPEAKER and out[0].words[0].speaker == FALLBACK_SPEAKER


def test_overlapping_turns_are_accepted():
    overlapping = [SpeakerTurn(start=0, end=3, speaker="A"), SpeakerTurn(start=2, end=5, speaker="B")]
    out = assign_speakers([_segment(("a", 0.5, 1.0), ("b", 2.2, 2.4), ("c", 3.5, 4.0))], overlapping)
    assert [w.speaker for s in out for w in s.words][0] == "A" and out[-1].speaker == "B"
