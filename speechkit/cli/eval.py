"""``speechkit eval der|wer``: score a document against a reference (RTTM or text)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from speechkit.cli.app import app
from speechkit.errors import DocumentError
from speechkit.export.rttm import read_rttm, uri_of
from speechkit.io import read_text

if TYPE_CHECKING:
    from speechkit.schema import SpeakerTurn

eval_app = typer.Typer(help="Score a document against a reference.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")]


def _hypothesis_turns(path: Path, uri: str | None) -> tuple[list[SpeakerTurn], float | None, str | None]:
    """Turns, audio duration and file id of a document or an RTTM file."""
    from speechkit.schema import Document

    if path.suffix.lower() == ".rttm":
        files = read_rttm(path)
        key = uri if uri in files else next(iter(files))
        return files[key], None, key
    doc = Document.load(path)
    if "diarize" not in doc.stages_run():
        raise DocumentError(f"{path}: has no diarization; run `speechkit diarize` first")
    return doc.diarization, doc.audio.duration if doc.audio else None, uri_of(doc)


def _report(scores: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(scores, indent=2))
        return
    for key, value in scores.items():
        typer.echo(f"{key:20s} {value:.4f}" if isinstance(value, float) else f"{key:20s} {value}")


@eval_app.command("der")
def der_command(
    hypothesis: Annotated[Path, typer.Argument(help="A diarized document (.json) or an RTTM file.")],
    reference: Annotated[Path, typer.Argument(help="Reference RTTM.")],
    collar: Annotated[float, typer.Option(min=0.0, help="pyannote.metrics collar: total no-score width around reference boundaries, seconds.")] = 0.0,
    skip_overlap: Annotated[bool, typer.Option("--skip-overlap", help="Do not score overlapped speech.")] = False,
    uri: Annotated[str | None, typer.Option(help="File id in the reference RTTM (default: the document's audio name, or the only one).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Diarization error rate (pyannote.metrics), scored from 0 to the audio's end."""
    from speechkit.metrics.der import diarization_error

    references = read_rttm(reference)
    turns, duration, hyp_uri = _hypothesis_turns(hypothesis, uri)
    key = uri or (hyp_uri if hyp_uri in references else None)
    if key is None:
        if len(references) > 1:
            raise DocumentError(f"{reference}: holds {len(references)} files ({', '.join(references)}); choose one with --uri")
        key = next(iter(references))
    if key not in references:
        raise DocumentError(f"{reference}: no file {key!r} (has {', '.join(references)})")
    ref = references[key]
    uem = (0.0, duration) if duration else None
    scores = {"uri": key, "collar": collar, "skip_overlap": skip_overlap,
              **diarization_error(ref, turns, collar=collar, skip_overlap=skip_overlap, uem=uem).as_dict()}
    _report(scores, as_json)


@eval_app.command("wer")
def wer_command(
    hypothesis: Annotated[Path, typer.Argument(help="A transcript document (.json) or a text file.")],
    reference: Annotated[Path, typer.Argument(help="Reference transcript, plain text.")],
    language: Annotated[str | None, typer.Option("--language", "-l", help="Text normalisation language (default: the document's, else en).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Word and character error rates with Whisper's text normalisation."""
    from speechkit.inputs.documents import is_document
    from speechkit.metrics.wer import error_rates
    from speechkit.schema import Document

    ref_text = read_text(reference, "file", DocumentError)
    if is_document(hypothesis):
        doc = Document.load(hypothesis)
        hyp_text, language = doc.text, language or doc.language
    else:
        hyp_text = read_text(hypothesis, "file", DocumentError)
    try:
        rates = error_rates(ref_text, hyp_text, language or "en")
    except ValueError as exc:
        raise DocumentError(f"{reference}: {exc}") from None
    _report(rates.as_dict(), as_json)
