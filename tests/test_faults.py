"""Faults a user meets, driven as a user would: exit codes, one-line errors, nothing left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from speechkit.io import base_name

SPEECHKIT = str(Path(sys.executable).with_name("speechkit"))


def one_line_error(stderr: str) -> bool:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return len(lines) == 1 and "Traceback" not in stderr


@pytest.mark.parametrize("rate", [1, 8, 500])
def test_an_absurd_header_rate_fails_fast_in_bounded_memory(tmp_path, rate):
    wav = tmp_path / "x.wav"
    sf.write(wav, np.zeros(176000, "int16"), rate)
    started = time.monotonic()
    proc = subprocess.run(f"ulimit -v 4000000; exec {SPEECHKIT} transcribe {wav} -d {tmp_path}", shell=True,
                          capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 10
    assert proc.returncode == 2
    assert one_line_error(proc.stderr) and "sample rate" in proc.stderr and str(wav) in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.wav"]


@pytest.mark.parametrize(("name", "expected"), [
    ("talk.v1.wav", "talk.v1"), ("talk.v2.wav", "talk.v2"),
    ("meeting 2024.01.15.flac", "meeting 2024.01.15"), ("talk.transcribe.json", "talk"),
    ("talk.v1.diarize.json", "talk.v1"), ("whisperx-output.json", "whisperx-output"), ("noext", "noext"),
])
def test_output_names_keep_everything_but_the_extension_and_stage_suffix(name, expected):
    assert base_name(name) == expected


@pytest.mark.parametrize(("sig", "code", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                   (signal.SIGTERM, 143, "terminated")])
def test_a_signal_mid_run_exits_with_its_code_and_leaves_no_output(tmp_path, data_dir, sig, code, word):
    out = tmp_path / "out"
    longform = data_dir / "longform" / "kathleen_arctic_b0001-b0240.flac"  # 14 min: still running after 4 s
    proc = subprocess.Popen([SPEECHKIT, "transcribe", str(longform), "-d", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert word in stderr and "Traceback" not in stderr
    assert not out.exists() or not list(out.iterdir())


def test_an_unexpected_error_is_one_line_not_a_traceback(monkeypatch, capsys):
    import speechkit.cli as cli

    def broken(**_: object) -> None:
        raise IsADirectoryError(21, "Is a directory")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.setattr(sys, "argv", ["speechkit", "schema"])
    monkeypatch.delenv("SPEECHKIT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 1
    assert one_line_error(capsys.readouterr().err)


def test_an_unwritable_output_fails_before_any_work(tmp_path, data_dir):
    in_the_way = tmp_path / "dir.json"
    in_the_way.mkdir()
    started = time.monotonic()
    proc = subprocess.run([SPEECHKIT, "transcribe", str(data_dir / "jfk.flac"), "-o", str(in_the_way)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and one_line_error(proc.stderr) and "is a directory" in proc.stderr
    assert "transcribe tiny.en" not in proc.stderr  # refused before the model loaded
    assert time.monotonic() - started < 15


def test_a_read_only_output_folder_fails_before_any_work(tmp_path, data_dir):
    import os

    if os.geteuid() == 0:
        locked = tmp_path / "file"  # root ignores permissions: a file where a folder should be
        locked.write_text("x")
        target = locked / "out.json"
    else:
        locked = tmp_path / "ro"
        locked.mkdir(mode=0o500)
        target = locked / "out.json"
    proc = subprocess.run([SPEECHKIT, "transcribe", str(data_dir / "jfk.flac"), "-o", str(target)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and one_line_error(proc.stderr) and "cannot write there" in proc.stderr
    assert "transcribe tiny.en" not in proc.stderr


def test_a_missing_reference_file_is_an_error_not_the_reference_text(tmp_path, data_dir):
    proc = subprocess.run([SPEECHKIT, "stress", str(data_dir / "jfk.flac"), "-r", "refs/typo.txt", "-d", str(tmp_path / "s")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and one_line_error(proc.stderr)
    assert "refs/typo.txt: no such reference file" in proc.stderr
    assert not (tmp_path / "s" / "results.json").exists()


def test_a_reference_path_in_a_stress_config_is_relative_to_the_config(tmp_path, data_dir):
    from speechkit.stress import load_config

    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "jfk.txt").write_text("ask not")
    config = tmp_path / "grid.yaml"
    config.write_text("conditions: {white: {vary: snr_db, levels: [10], transforms: [{color_noise: {color: white}}]}}\n"
                      f"inputs: [{{audio: {data_dir / 'jfk.flac'}, reference: refs/jfk.txt}}, "
                      f"{{audio: {data_dir / 'jfk.flac'}, reference: ask not what}}]\n")
    inputs = load_config(config).inputs
    assert inputs[0].reference == str(tmp_path / "refs" / "jfk.txt")
    assert inputs[1].reference == "ask not what"


@pytest.mark.parametrize(("change", "problem"), [
    ({"start": -1.0}, "greater than or equal to 0"), ({"end": float("nan")}, "finite number"),
    ({"start": 5.0, "end": 1.0}, "before it starts"),
])
def test_invalid_document_times_are_refused_by_name(tmp_path, change, problem):
    import json

    doc = {"schema_version": "1.0", "segments": [{"start": 0.0, "end": 2.0, "text": "hi", **change}]}
    path = tmp_path / "bad.transcribe.json"
    path.write_text(json.dumps(doc))  # json writes NaN, as other tools do
    proc = subprocess.run([SPEECHKIT, "export", str(path), "-f", "srt", "-d", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and one_line_error(proc.stderr)
    assert str(path) in proc.stderr and problem in proc.stderr and "segments.0" in proc.stderr
    assert not list(tmp_path.glob("*.srt"))


def test_a_newer_minor_version_with_a_new_optional_field_reads():
    from speechkit.schema import Document

    doc = Document.from_dict({"schema_version": "1.4", "future": True,
                              "segments": [{"start": 0.0, "end": 1.0, "text": "hi", "emotion": "calm"}]})
    assert doc.segments[0].text == "hi"
    with pytest.raises(Exception, match="future"):  # the same version with an unknown field is still refused
        Document.from_dict({"schema_version": "1.0", "future": True, "segments": []})


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path, data_dir):
    lines, previous = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'], "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    lines += ["name: bomb", "stages: [{stage: transcribe, options: {language: *i}}]"]
    config = tmp_path / "bomb.yaml"
    config.write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    proc = subprocess.run([SPEECHKIT, "run", str(config), "--input", str(data_dir / "jfk.flac"), "-d", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 10
    assert proc.returncode == 2 and one_line_error(proc.stderr) and "alias bomb" in proc.stderr


def test_a_folder_named_like_a_model_size_does_not_shadow_it(tmp_path, monkeypatch):
    from speechkit.errors import ModelNotFoundError
    from speechkit.models.resolve import resolve_whisper

    (tmp_path / "tiny.en").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve_whisper("tiny.en").origin != "path"
    with pytest.raises(ModelNotFoundError, match="not a CTranslate2"):
        resolve_whisper("./tiny.en")  # written as a path, it is one


def test_a_document_whose_audio_was_replaced_is_refused(tmp_path, data_dir):
    import shutil

    from speechkit.inputs import document_from_audio

    audio = tmp_path / "talk.wav"
    shutil.copy(data_dir / "sample.wav", audio)
    doc_path = document_from_audio(audio).save(tmp_path / "talk.transcribe.json")
    sf.write(audio, np.zeros(16000, "float32"), 16000)  # another recording behind the same name
    proc = subprocess.run([SPEECHKIT, "diarize", str(doc_path), "-d", str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and one_line_error(proc.stderr) and "checksum differs" in proc.stderr
    assert not (tmp_path / "talk.diarize.json").exists()


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_killing_stress_leaves_no_worker_behind(tmp_path, data_dir):
    proc = subprocess.Popen([SPEECHKIT, "stress", str(data_dir / "jfk.flac"), "-r", "ask not", "-m", "tiny.en",
                             "-s", "0", "-j", "1", "-d", str(tmp_path / "s")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, children = time.monotonic() + 60, set()
    while time.monotonic() < deadline and len(children) < 2:  # the worker and the resource tracker
        children = _children(proc.pid)
        time.sleep(0.2)
    assert children, "stress started no worker"
    time.sleep(1.0)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
        time.sleep(0.2)
    alive = [c for c in children if Path(f"/proc/{c}/stat").exists()
             and Path(f"/proc/{c}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    assert not alive, f"left running after the kill: {alive}"


def test_a_cut_wav_is_refused_as_truncated(tmp_path, data_dir):
    whole = tmp_path / "whole.wav"
    sf.write(whole, sf.read(data_dir / "jfk.flac")[0], 16000, subtype="PCM_16")
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    proc = subprocess.run([SPEECHKIT, "transcribe", str(cut), "-d", str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and one_line_error(proc.stderr) and "truncated WAV" in proc.stderr
    assert not list(tmp_path.glob("*.json"))
    from speechkit.audio import probe

    assert probe(whole).duration > 10  # the whole file is still read


@pytest.mark.parametrize(("flags", "problem"), [
    (["--num-speakers", "0"], "--num-speakers must be a whole number of at least 1, not 0"),
    (["--min-speakers", "4", "--max-speakers", "2"], "--min-speakers 4 exceeds --max-speakers 2"),
    (["--num-speakers", "5", "--max-speakers", "3"], "--num-speakers 5 lies outside"),
])
def test_impossible_speaker_counts_are_one_line_before_any_work(tmp_path, data_dir, flags, problem):
    proc = subprocess.run([SPEECHKIT, "diarize", str(data_dir / "sample.wav"), *flags, "-d", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and one_line_error(proc.stderr) and problem in proc.stderr
    assert not list(tmp_path.iterdir())
