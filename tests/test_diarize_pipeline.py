"""The default flow on a real two-speaker recording: transcribe -> align -> diarize -> speaker-labelled SRT."""

import re

import pytest

from speechkit.export.rttm import read_rttm
from speechkit.export.subtitles import to_srt
from speechkit.metrics.der import diarization_error
from speechkit.schema import Document
from tests.test_eval import run_cli
from tests.test_speakers import assert_no_flip_flop_cue

CUE_SPEAKER = re.compile(r"^\[(SPEAKER_\d\d)\]: ", re.M)


@pytest.mark.slow
def test_sample_flow_gives_srt_cues_that_never_mix_speakers(data_dir, tmp_path, capsys, monkeypatch):
    steps = [["transcribe", str(data_dir / "sample.wav")], ["align", str(tmp_path / "sample.transcribe.json")],
             ["diarize", str(tmp_path / "sample.align.json"), "--threads", "1"]]
    for args in steps:
        code, _, err = run_cli([*args, "-d", str(tmp_path)], capsys, monkeypatch)
        assert code == 0, err
    doc = Document.load(tmp_path / "sample.diarize.json")

    assert [p.stage for p in doc.provenance] == ["transcribe", "align", "diarize"]
    assert len(doc.speakers) == 2
    assert diarization_error(read_rttm(data_dir / "sample.rttm")["sample"], doc.diarization,
                             collar=0.25, uem=(0, 30)).der <= 0.15
    words = doc.word_segments
    assert words and all(w.speaker in {"SPEAKER_00", "SPEAKER_01"} for w in words), "no word without a speaker"
    assert {w.speaker for w in words} == {"SPEAKER_00", "SPEAKER_01"}, "both voices get words"
    for segment in doc.segments:
        assert {w.speaker for w in segment.words} == {segment.speaker}, segment
    aligned = Document.load(tmp_path / "sample.align.json")
    assert doc.text == aligned.text, "diarization never changes the words"
    assert [w.word for w in words] == [w.word for w in aligned.word_segments]
    assert_no_flip_flop_cue(doc.segments)

    srt = to_srt(doc)
    cues = [c for c in srt.strip().split("\n\n") if c]
    assert len(cues) == len([s for s in doc.segments if s.text.strip()])
    assert all(len(CUE_SPEAKER.findall(cue)) == 1 for cue in cues), "every cue is one speaker's"
