"""whisper/WhisperX flags on ``transcribe``: typed per backend, the default model picked by what is asked."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from speechkit.errors import OptionsError
from speechkit.registry import load_backend
from speechkit.stages.transcribe.faster_whisper import FasterWhisperTranscriber

SPEECHKIT = [sys.executable, "-m", "speechkit"]


def options(backend: str = "faster-whisper", **values):
    return load_backend("transcribe", backend)(**values).options


@pytest.mark.parametrize("asked", [{"multilingual": True}, {"task": "translate"}, {"language": "de"}])
def test_a_request_beyond_english_defaults_to_the_multilingual_base(asked):
    assert options(**asked).model == "base"


def test_plain_english_keeps_tiny_en_and_a_named_model_is_kept():
    assert options().model == "tiny.en" and options(language="en").model == "tiny.en"
    assert options(model="small", task="translate").model == "small"


@pytest.mark.parametrize("asked, flag", [({"language": "de"}, "--language de"), ({"task": "translate"}, "--task translate"),
                                         ({"multilingual": True}, "--multilingual")])
def test_an_english_only_model_refuses_what_it_cannot_do(asked, flag):
    with pytest.raises(OptionsError, match=rf"^transcribe backend faster-whisper: model tiny.en is English-only "
                                           rf"and cannot do {flag}; use a multilingual model such as --model base$"):
        options(model="tiny.en", **asked)


@pytest.mark.parametrize("backend, option", [("whisperx", "vad"), ("whisperx", "hotwords"),
                                             ("openai-whisper", "compute_type"), ("transformers", "multilingual")])
def test_an_option_a_backend_cannot_honour_is_one_line_naming_it(backend, option):
    with pytest.raises(OptionsError, match=rf"^transcribe backend {backend}: option '{option}': unknown"):
        options(backend, **{option: True if option in ("vad", "multilingual") else "x"})


def test_task_is_transcribe_or_translate():
    with pytest.raises(OptionsError, match=r"option 'task'.*'transcribe' or 'translate'.*'summarise'"):
        options(task="summarise")


def test_vad_arguments_follow_the_flags():
    def vad(**values):
        return FasterWhisperTranscriber(**values).vad(65.0)

    assert vad() == {"vad_filter": True}, "faster-whisper's own VAD defaults unless a threshold is given"
    assert vad(vad_threshold=0.3, vad_min_silence_ms=500) == {
        "vad_filter": True, "vad_parameters": {"threshold": 0.3, "min_silence_duration_ms": 500}}
    assert vad(vad=False) == {"vad_filter": False, "clip_timestamps": [
        {"start": 0, "end": 30}, {"start": 30, "end": 60}, {"start": 60, "end": 65.0}]}, "batched: 30 s windows"
    assert vad(vad=False, batch_size=1) == {"vad_filter": False}, "sequential decoding windows itself"


def test_shared_decoding_options_are_passed_only_when_set():
    assert options().decoding() == {"task": "transcribe"}
    assert options(task="translate", initial_prompt="Diane, Sheila", temperature=0.2).decoding() == {
        "task": "translate", "initial_prompt": "Diane, Sheila", "temperature": 0.2}


def test_cli_flags_reach_the_options_and_errors_are_one_line(tmp_path, tone_wav):
    bad = subprocess.run([*SPEECHKIT, "transcribe", str(tone_wav), "-m", "tiny.en", "--language", "de", "-d", str(tmp_path)],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines() == [
        "speechkit: error: transcribe backend faster-whisper: model tiny.en is English-only and cannot do "
        "--language de; use a multilingual model such as --model base"]
    refused = subprocess.run([*SPEECHKIT, "transcribe", str(tone_wav), "-b", "whisperx", "--no-vad", "--initial_prompt", "x",
                              "-d", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "transcribe backend whisperx: option 'vad': unknown" in refused.stderr
    assert not list(tmp_path.glob("*.json")), "nothing written"


def test_version_and_global_options(tmp_path):
    import speechkit

    version = subprocess.run([*SPEECHKIT, "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout == f"speechkit {speechkit.__version__}\n"
    both = subprocess.run([*SPEECHKIT, "-q", "-v", "schema"], capture_output=True, text=True, timeout=60)
    assert both.returncode == 2 and "contradict" in both.stderr
    help_text = subprocess.run([*SPEECHKIT, "--help"], capture_output=True, text=True, timeout=60).stdout
    assert "--install-completion" in help_text and "--quiet" in help_text and "--verbose" in help_text


def test_library_prints_go_to_the_log_not_stdout(capsys, caplog):
    from speechkit.chatter import to_log

    with caplog.at_level(logging.INFO, logger="speechkit"), to_log("pyannote"):
        print("Found only 1 clusters. Using a smaller value might help.")
        print("no newline", end="")
    assert capsys.readouterr().out == "", "stdout keeps carrying only output paths"
    assert [r.getMessage() for r in caplog.records] == [
        "pyannote: Found only 1 clusters. Using a smaller value might help.", "pyannote: no newline"]
