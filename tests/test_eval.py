"""``speechkit eval der|wer`` and the DER measure behind it, against pyannote's reference RTTM."""

import json
import sys

import pytest

from speechkit.export.rttm import read_rttm
from speechkit.metrics.der import diarization_error
from speechkit.schema import Audio, Document, Provenance, Segment
from tests.conftest import JFK_TEXT


def run_cli(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    """Run ``speechkit ARGS`` in-process: (exit code, stdout, stderr)."""
    from speechkit.cli import main

    monkeypatch.setattr(sys, "argv", ["speechkit", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_der_of_the_reference_against_itself_is_zero_and_relabelling_does_not_matter(data_dir):
    ref = read_rttm(data_dir / "sample.rttm")["sample"]
    renamed = [t.model_copy(update={"speaker": {"speaker90": "A", "speaker91": "B"}[t.speaker]}) for t in ref]
    result = diarization_error(ref, renamed)
    assert result.der == 0.0 and result.reference_speakers == result.hypothesis_speakers == 2


def test_der_counts_confusion_misses_and_collars(data_dir):
    ref = read_rttm(data_dir / "sample.rttm")["sample"]
    one_speaker = [t.model_copy(update={"speaker": "X"}) for t in ref]
    confused = diarization_error(ref, one_speaker)
    assert confused.confusion > 0 and confused.missed == 0 and 0 < confused.der < 1
    shifted = [t.model_copy(update={"start": t.start + 0.1, "end": t.end + 0.1}) for t in ref]
    assert diarization_error(ref, shifted, collar=0.5).der < diarization_error(ref, shifted).der
    assert diarization_error(ref, []).der == pytest.approx(1.0)


def test_eval_der_cli_reads_a_document_and_picks_the_file_by_audio_name(tmp_path, data_dir, capsys, monkeypatch):
    turns = read_rttm(data_dir / "debug.development.rttm")["dev01"]
    doc = Document(audio=Audio(path=str(data_dir / "dev01.wav"), duration=30.0), diarization=turns,
                   provenance=[Provenance(stage="diarize", backend="rttm", started_at="now", wall_time=0.0)])
    hyp = tmp_path / "dev01.diarize.json"
    hyp.write_text(doc.to_json())
    code, out, _ = run_cli(["eval", "der", str(hyp), str(data_dir / "debug.development.rttm"), "--json",
                            "--collar", "0.25", "--skip-overlap"], capsys, monkeypatch)
    scores = json.loads(out)
    assert code == 0 and scores["uri"] == "dev01" and scores["der"] == 0.0 and scores["skip_overlap"] is True


def test_eval_der_cli_needs_uri_for_multi_file_references(tmp_path, data_dir, capsys, monkeypatch):
    hyp = tmp_path / "hyp.rttm"
    hyp.write_text("SPEAKER other 1 0.0 1.0 <NA> <NA> s1 <NA> <NA>\n")
    code, _, err = run_cli(["eval", "der", str(hyp), str(data_dir / "debug.development.rttm")], capsys, monkeypatch)
    assert code == 2 and err.startswith("speechkit: error:") and "--uri" in err and err.count("\n") == 1


def test_eval_wer_cli_scores_a_document(tmp_path, capsys, monkeypatch):
    doc = Document(language="en", segments=[Segment(start=0, end=5, text=JFK_TEXT.replace("fellow", "yellow"))])
    hyp, ref = tmp_path / "jfk.json", tmp_path / "jfk.txt"
    hyp.write_text(doc.to_json())
    ref.write_text(JFK_TEXT)
    code, out, _ = run_cli(["eval", "wer", str(hyp), str(ref), "--json"], capsys, monkeypatch)
    scores = json.loads(out)
    assert code == 0 and scores["substitutions"] == 1 and scores["wer"] == pytest.approx(1 / 22)


@pytest.mark.parametrize("content, problem", [("{not json", "malformed JSON"), (None, "no such file")])
def test_eval_bad_hypothesis_is_one_line_naming_the_file(tmp_path, data_dir, capsys, monkeypatch, content, problem):
    hyp = tmp_path / "bad.json"
    if content is not None:
        hyp.write_text(content)
    code, _, err = run_cli(["eval", "der", str(hyp), str(data_dir / "sample.rttm")], capsys, monkeypatch)
    assert code == 2 and str(hyp) in err and problem in err and err.count("\n") == 1


def test_eval_der_rejects_a_document_without_diarization(tmp_path, data_dir, capsys, monkeypatch):
    hyp = tmp_path / "empty.json"
    hyp.write_text(Document().to_json())
    code, _, err = run_cli(["eval", "der", str(hyp), str(data_dir / "sample.rttm")], capsys, monkeypatch)
    assert code == 2 and "speechkit diarize" in err
