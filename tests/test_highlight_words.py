"""``--highlight-words``: a cue per spoken word, that word underlined, as Whisper's ``--highlight_words``."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from speechkit.export.subtitles import CueLimits, cues, to_srt, to_vtt
from speechkit.schema import Document, Segment, Word

ROOT = Path(__file__).resolve().parents[1]
SAID = [("And", 0.0, 0.3), ("so", 0.3, 0.5), ("my", 0.9, 1.1), ("fellow", 1.1, 1.5), ("Americans,", 1.5, 2.2)]


def said(speaker: str | None = None) -> Document:
    words = [Word(word=w, start=s, end=e) for w, s, e in SAID]
    return Document(segments=[Segment(start=0.0, end=2.2, text=" ".join(w for w, _, _ in SAID), words=words,
                                      speaker=speaker)])


def blocks(srt: str) -> list[tuple[str, str]]:
    return [(b.splitlines()[1], "\n".join(b.splitlines()[2:])) for b in srt.strip().split("\n\n")]


def test_the_same_cues_as_whispers_own_writer() -> None:
    from whisper.utils import WriteSRT

    result = {"segments": [{"start": 0.0, "end": 2.2, "text": " " + " ".join(w for w, _, _ in SAID),
                            "words": [{"word": " " + w, "start": s, "end": e} for w, s, e in SAID]}]}
    theirs = io.StringIO()
    WriteSRT(".").write_result(result, theirs, {"highlight_words": True, "max_line_width": None,
                                                "max_line_count": None, "max_words_per_line": None})
    ours = to_srt(said(), CueLimits(highlight_words=True))
    assert blocks(ours) == blocks(theirs.getvalue())
    assert len(blocks(ours)) == 6, "five words and the pause between 'so' and 'my'"


def test_a_wrapped_cue_underlines_its_word_on_the_right_line_and_never_the_speaker() -> None:
    limits = CueLimits(max_line_width=16, highlight_words=True)
    plain = blocks(to_srt(said("SPEAKER_00"), CueLimits(max_line_width=16)))
    lit = blocks(to_srt(said("SPEAKER_00"), limits))
    by_time = dict(plain)
    for timing, text in lit:
        start, end = timing.split(" --> ")
        covering = [t for t in by_time if t.split(" --> ")[0] <= start and end <= t.split(" --> ")[1]]
        assert re.sub("</?u>", "", text) == by_time[covering[0]], "the same lines, only the markup added"
        assert "<u>[" not in text and text.count("<u>") <= 1
    underlined = [m for _, text in lit for m in re.findall("<u>(.*?)</u>", text)]
    assert underlined == [w for w, _, _ in SAID]
    assert "fellow" in lit[-2][1].splitlines()[-1], "fellow is on the second line"


def test_off_by_default_and_every_word_of_the_example_lit_once(tmp_path: Path) -> None:
    doc = Document.load(ROOT / "examples" / "report" / "sample.json")
    assert "<u>" not in to_vtt(doc)
    proc = subprocess.run([str(Path(sys.executable).parent / "speechkit"), "export",
                           str(ROOT / "examples" / "report" / "sample.json"), "-f", "vtt", "--highlight_words",
                           "-d", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    vtt = (tmp_path / "sample.vtt").read_text()
    lit = re.findall("<u>(.*?)</u>", vtt)
    assert lit == [w for cue in cues(doc) for w in cue.words]
