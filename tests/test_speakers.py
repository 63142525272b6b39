"""Speaker assignment and re-segmentation on hand-made turns: every word labelled, no segment mixes speakers,
whole sentences stay with one speaker, no one-word flip-flops, and not a character of the text changes."""

from speechkit.schema import Document, Segment, SpeakerTurn, Word
from speechkit.speakers.smoothing import MIN_CUE_SECONDS
from speechkit.speakers.assign import (FALLBACK_SPEAKER, assign_speakers, label_words, majority_speaker, nearest_speaker,
                                split_segments)


def _segment(*words: tuple[str, float | None, float | None], text: str | None = None) -> Segment:
    timed = [w for w in words if w[1] is not None]
    return Segment(start=timed[0][1], end=timed[-1][2], text=text or " ".join(w[0] for w in words),
                   words=[Word(word=w, start=s, end=e) for w, s, e in words])


def _turns(*spans: tuple[float, float, str]) -> list[SpeakerTurn]:
    return [SpeakerTurn(start=s, end=e, speaker=sp) for s, e, sp in spans]


TURNS = _turns((0.0, 2.0, "A"), (2.0, 4.0, "B"), (6.0, 20.0, "A"))


def _speakers(segments: list[Segment]) -> list[str | None]:
    return [w.speaker for s in segments for w in s.words]


def assert_no_flip_flop_cue(segments: list[Segment]) -> None:
    """No cue shorter than MIN_CUE_SECONDS whose speaker differs from both neighbours."""
    for before, cue, after in zip(segments, segments[1:], segments[2:]):
        if cue.end - cue.start < MIN_CUE_SECONDS:
            assert cue.speaker in (before.speaker, after.speaker), (before.text, cue.text, after.text)


def test_majority_overlap_decides_a_word_spanning_a_change():
    assert majority_speaker(1.8, 2.5, TURNS) == "B"  # 0.2 s of A, 0.5 s of B
    assert majority_speaker(1.0, 2.4, TURNS) == "A"
    overlapping = _turns((0.0, 3.0, "A"), (1.0, 1.4, "B"), (1.5, 1.9, "B"), (1.0, 5.0, "C"))
    assert majority_speaker(1.0, 2.0, overlapping) in {"A", "C"}  # B holds 0.8 of 1 s only in pieces: not most
    assert majority_speaker(1.0, 1.9, _turns((0.0, 1.2, "A"), (1.0, 1.4, "B"), (1.5, 1.9, "B"))) == "B"


def test_word_in_a_gap_takes_the_nearest_turn_edge_not_the_nearest_midpoint():
    # 5.9 s is 0.1 s before A's long turn (midpoint 13 s) and 1.9 s after B's (midpoint 3 s)
    assert label_words([_segment(("well", 5.8, 5.9))], TURNS)[0].words[0].speaker == "A"
    assert nearest_speaker(4.5, 4.6, TURNS) == "B"


def test_untimed_words_follow_their_neighbours_and_none_is_left_without_speaker():
    seg = _segment(("one", None, None), ("two", 2.5, 3.0), ("three", 3.1, 3.5), ("four", None, None))
    assert _speakers(label_words([seg], TURNS)) == ["B", "B", "B", "B"]


def test_a_sentence_cut_word_by_word_by_the_diarizer_keeps_one_speaker():
    # the AMI case: "So, / what / do / we need to talk about?" got four labels
    words = [("So,", 0.0, 0.3), ("what", 0.4, 0.6), ("do", 0.7, 0.8), ("we", 0.9, 1.0), ("need", 1.1, 1.3),
             ("to", 1.35, 1.4), ("talk", 1.5, 1.8), ("about?", 1.9, 2.3)]
    flicker = _turns((0.0, 0.35, "A"), (0.35, 0.65, "B"), (0.65, 0.85, "A"), (0.85, 2.4, "C"))
    out = assign_speakers([_segment(*words)], flicker, "en")
    assert [(s.text, s.speaker) for s in out] == [("So, what do we need to talk about?", "C")]


def test_a_real_turn_change_inside_a_sentence_is_kept():
    words = [("yes", 0.0, 0.4), ("I", 0.5, 0.6), ("agree", 0.7, 1.2), ("completely", 1.3, 1.9),
             ("but", 2.1, 2.3), ("what", 2.4, 2.6), ("about", 2.7, 2.9), ("the", 3.0, 3.1), ("budget?", 3.2, 3.8)]
    out = assign_speakers([_segment(*words)], _turns((0.0, 2.0, "A"), (2.0, 4.0, "B")), "en")
    assert [(s.text, s.speaker) for s in out] == [("yes I agree completely", "A"), ("but what about the budget?", "B")]


def test_the_first_words_of_a_turn_go_to_the_new_speaker():
    # word timestamps that start early put "And we'll" inside the previous turn; the sentence is B's
    seg = _segment(("Fine.", 0.5, 1.0), ("And", 1.7, 1.9), ("we'll", 1.9, 2.1), ("see", 2.2, 2.5),
                   ("about", 2.6, 2.9), ("it.", 3.0, 3.4))
    out = assign_speakers([seg], _turns((0.0, 2.0, "A"), (2.05, 4.0, "B")), "en")
    assert [(s.text, s.speaker) for s in out] == [("Fine.", "A"), ("And we'll see about it.", "B")]


def test_a_short_cue_between_two_other_speakers_takes_a_neighbours_speaker():
    segs = [_segment(("We", 0.0, 0.3), ("start", 0.4, 0.8), ("now.", 0.9, 1.3)),
            _segment(("Okay.", 1.35, 1.5)),
            _segment(("Then", 1.6, 1.9), ("we", 2.0, 2.1), ("stop.", 2.2, 2.8))]
    turns = _turns((0.0, 1.32, "A"), (1.32, 1.55, "C"), (1.55, 3.0, "B"))
    out = assign_speakers(segs, turns, "en")
    assert_no_flip_flop_cue(out)
    assert [s.speaker for s in out] == ["A", "A", "B"]  # "Okay." is 0.05 s from A, 0.1 s from B


def test_resegmentation_splits_at_speaker_changes_and_sentence_ends():
    seg = _segment(("Hi.", 0.1, 0.4), ("How", 0.5, 0.7), ("are", 0.8, 1.0), ("you", 1.1, 1.3), ("today?", 1.35, 1.9),
                   ("Fine", 2.1, 2.4), ("thanks,", 2.5, 2.9), ("and", 3.0, 3.2), ("you?", 3.3, 3.9))
    out = assign_speakers([seg], TURNS, "en")
    assert [(s.text, s.speaker) for s in out] == [("Hi.", "A"), ("How are you today?", "A"),
                                                 ("Fine thanks, and you?", "B")]
    for piece in out:
        assert {w.speaker for w in piece.words} == {piece.speaker}
        assert piece.start == piece.words[0].start and piece.end == piece.words[-1].end


def test_diarization_never_changes_the_text():
    # "%" and "-humiliation" come as words of their own, written with no space before them
    text = '"It rose 40% today. No-humiliation rules," she said. Then he spoke for a long while.'
    words = [('"It', 0.0, 0.2), ("rose", 0.3, 0.6), ("40", 0.7, 1.0), ("%", 1.0, 1.9), ("today.", 2.0, 2.5),
             ("No", 2.6, 2.8), ("-humiliation", 2.8, 3.4), ('rules,"', 3.5, 3.9), ("she", 4.0, 4.2),
             ("said.", 4.3, 4.6), ("Then", 6.0, 6.2), ("he", 6.3, 6.4), ("spoke", 6.5, 6.8), ("for", 6.9, 7.0),
             ("a", 7.1, 7.2), ("long", 7.3, 7.6), ("while.", 7.7, 8.0)]
    seg = _segment(*words, text=text)
    turns = _turns((0.0, 1.0, "A"), (1.0, 1.9, "B"), (1.9, 2.8, "A"), (2.8, 4.0, "B"), (4.0, 5.0, "A"),
                   (5.5, 9.0, "B"))
    out = assign_speakers([seg], turns, "en")
    before, after = Document(segments=[seg]), Document(segments=out)
    assert after.text == before.text == text
    assert [w.word for w in after.word_segments] == [w.word for w in before.word_segments]
    assert all(w.speaker for w in after.word_segments)
    assert {w.speaker for w in after.word_segments[2:4]} == {out[0].speaker}  # "40%" is never cut


def test_languages_without_spaces_are_joined_without_spaces():
    seg = Segment(start=0, end=1, text="你好。再见", words=[Word(word="你好。", start=0, end=0.4, speaker="A"),
                                                            Word(word="再见", start=0.5, end=1, speaker="A")])
    assert [s.text for s in split_segments([seg], "zh")] == ["你好。", "再见"]


def test_no_turns_labels_every_word_with_the_fallback_speaker():
    out = assign_speakers([_segment(("hello", 0.1, 0.5))], [], "en")
    assert out[0].speaker == FALLBACK_SPEAKER and out[0].words[0].speaker == FALLBACK_SPEAKER


def test_overlapping_turns_are_accepted():
    overlapping = _turns((0, 3, "A"), (2, 5, "B"))
    segs = [_segment(("a", 0.5, 1.0), ("b.", 1.2, 1.4)), _segment(("c", 3.5, 4.0), ("d.", 4.1, 4.5))]
    out = assign_speakers(segs, overlapping)
    assert out[0].speaker == "A" and out[-1].speaker == "B"


def test_the_input_segments_are_left_unchanged():
    seg = _segment(("hello", 0.1, 0.5))
    assign_speakers([seg], TURNS, "en")
    assert seg.words[0].speaker is None
