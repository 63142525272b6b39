"""``speechkit transcribe``: audio (or a document) to a timed transcript, with whisper's and WhisperX's flags."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.each import InputsArg, each_input, write_all
from speechkit.cli.export import OutputFormatOpt, parse_formats
from speechkit.cli.common import ChannelOpt, OutputDirOpt, OutputOpt, described, make_backend, run_backend
from speechkit.cli.option_docs import OptionDocs
from speechkit.stages.transcribe import DEFAULT

Options = OptionDocs("speechkit.stages.transcribe.faster_whisper:FasterWhisperTranscriber.Options")
"""The richest backend's options give the help; a backend without one of them refuses it by name."""


def _help(name: str, only: str = "") -> str:
    return described(Options, name) + (f" ({only})" if only else "")


@app.command("transcribe")
def transcribe_command(
    inputs: InputsArg,
    model: Annotated[str | None, typer.Option("--model", "-m", help=_help("model"))] = None,
    backend: Annotated[str, typer.Option("--backend", "-b", help="faster-whisper, whisperx, openai-whisper or transformers.")] = DEFAULT,
    language: Annotated[str | None, typer.Option("--language", "-l", help=_help("language"))] = None,
    task: Annotated[str | None, typer.Option("--task", help=_help("task"))] = None,
    multilingual: Annotated[bool | None, typer.Option("--multilingual", help=_help("multilingual", "faster-whisper"))] = None,
    initial_prompt: Annotated[str | None, typer.Option("--initial-prompt", "--initial_prompt", help=_help("initial_prompt"))] = None,
    hotwords: Annotated[str | None, typer.Option("--hotwords", help=_help("hotwords", "faster-whisper"))] = None,
    temperature: Annotated[float | None, typer.Option("--temperature", help=_help("temperature"))] = None,
    vad: Annotated[bool | None, typer.Option("--vad/--no-vad", help=_help("vad", "faster-whisper"))] = None,
    vad_threshold: Annotated[float | None, typer.Option("--vad-threshold", "--vad_threshold", help=_help("vad_threshold", "faster-whisper"))] = None,
    vad_min_silence_ms: Annotated[int | None, typer.Option("--vad-min-silence-ms", "--vad_min_silence_ms", help=_help("vad_min_silence_ms", "faster-whisper"))] = None,
    language_check: Annotated[bool, typer.Option("--language-check/--no-language-check", help=_help("language_check"))] = True,
    device: Annotated[str | None, typer.Option("--device", help=_help("device"))] = None,
    compute_type: Annotated[str | None, typer.Option("--compute-type", "--compute_type", help=_help("compute_type", "faster-whisper, whisperx"))] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", "--batch_size", help=_help("batch_size", "faster-whisper, whisperx"))] = None,
    beam_size: Annotated[int | None, typer.Option("--beam-size", "--beam_size", help=_help("beam_size"))] = None,
    channel: ChannelOpt = None,
    output_format: OutputFormatOpt = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = Path("."),
) -> None:
    """Transcribe (or translate) speech with Whisper; word timestamps and language detection included."""
    from speechkit.inputs.documents import load_input

    stage = make_backend("transcribe", backend, model=model, language=language, task=task, multilingual=multilingual,
                         language_check=language_check,
                         initial_prompt=initial_prompt, hotwords=hotwords, temperature=temperature, vad=vad,
                         vad_threshold=vad_threshold, vad_min_silence_ms=vad_min_silence_ms, device=device,
                         compute_type=compute_type, batch_size=batch_size, beam_size=beam_size)
    formats = parse_formats(output_format)
    each_input(inputs, "transcribe", output, output_dir,
               lambda item, target: write_all(run_backend(stage, load_input(item, channel)), item, target, formats))
