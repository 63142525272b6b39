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
    assert notes == ['repaired hallucination loops: 99 repeated word(s) removed: "no," x99 at 1.5 s (100 repeats)']


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
    glued = Segment(start=0.0, end=5.0, text="Up 40%, no no no no no no no no no. Fine.",
                    words=words("Up 40 %, no no no no no no no no no. Fine."))
    fixed, _ = repair([glued], duration=60.0)
    assert fixed[0].text == "Up 40%, no Fine."


def test_five_repeats_a_person_could_say_are_kept():
    said = segment("I said no, no, no, no, no, and left")  # 0.3 s a word: 3.3 words a second
    fixed, notes = repair([said], duration=30.0)
    assert fixed == [said] and notes == []


def test_five_repeats_faster_than_speech_are_cut_and_named():
    squashed = segment("we need no no no no no to talk")
    for i, w in enumerate(squashed.words[3:7], start=3):  # four more "no"s inside 0.3 s
        squashed.words[i] = w.model_copy(update={"start": round(0.9 + 0.07 * (i - 2), 3),
                                                 "end": round(0.9 + 0.07 * (i - 2) + 0.06, 3)})
    fixed, notes = repair([squashed], duration=30.0)
    assert fixed[0].text == "we need no to talk"
    assert notes == ['repaired hallucination loops: 4 repeated word(s) removed: "no" x4 at 0.6 s (8 words/s)']


def test_repeats_of_no_length_are_cut():
    ghost = segment("thanks bye bye bye bye bye")
    ghost.words[1:] = [w.model_copy(update={"start": 1.0, "end": 1.0}) for w in ghost.words[1:]]
    fixed, notes = repair([ghost], duration=30.0)
    assert fixed[0].text == "thanks bye" and "(words of no length)" in notes[0]


def test_text_that_compresses_like_a_loop_is_cut_without_word_times():
    looped = Segment(start=0.0, end=30.0, text="I think so, " + "you know, I mean, " * 6)
    fixed, notes = repair([looped], duration=30.0)
    assert fixed[0].text == "I think so, you know, I mean,"
    assert "compression ratio" in notes[0]


def test_a_segment_the_decoder_judged_not_speech_is_removed():
    noise = Segment(start=0.0, end=2.0, text="you", no_speech_prob=0.93, avg_logprob=-1.37)
    unsure_speech = Segment(start=2.0, end=4.0, text="he could wait", no_speech_prob=0.7, avg_logprob=-0.4)
    fixed, notes = repair([noise, unsure_speech], duration=5.0)
    assert fixed == [unsure_speech]
    assert notes == ['1 segment(s) the decoder judged not speech (no-speech probability over 0.6, '
                     'mean log-probability under -1.0) removed: "you" at 0.0 s']
