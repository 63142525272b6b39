"""RTTM written by speechkit reads back identically; pyannote's reference files parse; bad lines are named."""

import pytest

from speechkit.errors import DocumentError
from speechkit.export.rttm import parse_rttm, read_rttm, to_rttm
from speechkit.schema import Audio, Document, SpeakerTurn


def test_round_trip_keeps_overlapping_turns(tmp_path):
    turns = [SpeakerTurn(start=0.5, end=2.25, speaker="SPEAKER_00"), SpeakerTurn(start=2.0, end=3.0, speaker="SPEAKER_01")]
    doc = Document(audio=Audio(path=str(tmp_path / "my talk.wav")), diarization=turns)
    path = tmp_path / "out.rttm"
    path.write_text(to_rttm(doc))
    assert read_rttm(path) == {"my_talk": turns}


def test_reads_the_reference_files(data_dir):
    dev = read_rttm(data_dir / "debug.development.rttm")
    assert set(dev) == {"dev00", "dev01"}
    sample = read_rttm(data_dir / "sample.rttm")["sample"]
    assert {t.speaker for t in sample} == {"speaker90", "speaker91"}
    assert sample[0].start == pytest.approx(6.69) and sample[0].end == pytest.approx(7.12)


@pytest.mark.parametrize("line, problem", [
    ("SPEAKER a 1 0.0 1.0 <NA>", "at least 8 fields"),
    ("SPEAKER a 1 zero 1.0 <NA> <NA> s1 <NA> <NA>", "must be numbers"),
    ("SPEAKER a 1 1.0 -2 <NA> <NA> s1 <NA> <NA>", "negative"),
])
def test_malformed_lines_are_named(line, problem):
    with pytest.raises(DocumentError, match=f"x.rttm: line 2: .*{problem}"):
        parse_rttm("SPEAKER a 1 0.0 1.0 <NA> <NA> s1 <NA> <NA>\n" + line, "x.rttm")


def test_files_without_speaker_lines_are_refused(tmp_path):
    path = tmp_path / "notes.rttm"
    path.write_text("hello world\n")
    with pytest.raises(DocumentError, match="no SPEAKER lines"):
        read_rttm(path)
    with pytest.raises(DocumentError, match="no such file"):
        read_rttm(tmp_path / "missing.rttm")
