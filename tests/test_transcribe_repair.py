"""Decoding loops and times past the end of the audio are repaired, and real repetition is left alone."""

from __future__ import annotations

from speechkit.schema import Segment, Word
from speechkit.stages.transcribe.repair import loop_spans, repair


def words(text: str, start: float = 0.0, step: float = 0.3) -> list[Word]:
    """Words as documents hold them (stripped, see segments.make_segment), 0.3 s apart."""
    return [Word(word=w, start=round(start + i * step, 3), end=round(start + i * step + 0.25, 3))
            for i, w in enumerate(text.split())]


def segment(text: str, start: float = 0.0) -> Segment:
    ws = words(text, start)
    return Segment(start=start, end=ws[-1].end, text=text, words=ws)


def test_a_hundred_nos_become_one():
    looped = segment("So what do we need " + "no, " * 100 + "to talk about?")
    fixed, notes = repair([looped], duration=60.0)
    assert fixed[0].text == "So what do we need no, to talk about?"
    assert [w.word.strip() for w in fixed[0].words] == "So what do we need no, to talk about?".split()
    assert notes == ["repaired hallucination loops: 99 repeated word(s) removed"]


def test_a_looped_phrase_of_several_words_is_said_once():
    assert loop_spans(("thank you " * 8 + "bye").split()) == [(0, 2, 8)]
    fixed, _ = repair([Segment(start=0, end=5, text="thank you " * 8 + "bye")], duration=10.0)
    assert fixed[0].text == "thank you bye"


def test_human_repetition_is_kept():
    real = segment("no no no, I said the the report")
    fixed, notes = repair([real], duration=30.0)
    assert fixed == [real] and notes == []


def test_segments_past_the_end_are_cut_or_dropped():
    inside, crossing, after = segment("hello there"), segment("almost the end", 9.5), segment("ghost words", 12.0)
    fixed, notes = repair([inside, crossing, after], duration=10.0)
    assert [s.text for s in fixed] == ["hello there", "almost the"]  # "end" starts at 10.1 s
    assert fixed[1].end == 10.0 and all(w.end <= 10.0 for w in fixed[1].words)
    assert [w.word.strip() for w in fixed[1].words] == ["almost", "the"]
    assert notes == ["2 segment(s) ran past the end of the audio (10.0 s): cut there"]


def test_the_kept_text_keeps_its_own_spelling():
    glued = Segment(start=0.0, end=3.0, text="Up 40%, no no no no no no. Fine.",
                    words=words("Up 40 %, no no no no no no. Fine."))
    fixed, _ = repair([glued], duration=60.0)
    assert fixed[0].text == "Up 40%, no Fine."
