"""Faults a user meets, driven as a user would: exit codes, one-line errors, nothing left behind."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from speechkit.naming import base_name

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

    from speechkit.inputs.documents import document_from_audio

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
    from speechkit.media.audio import probe

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


def test_a_video_that_outlasts_its_audio_is_not_called_truncated(tmp_path, data_dir):
    import imageio_ffmpeg

    from speechkit.media.audio import load_audio

    video = tmp_path / "long_video.mkv"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", "color=c=black:s=64x64:r=5:d=20", "-i", str(data_dir / "jfk.flac"),
                    "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(video)], check=True)
    assert 10.5 < load_audio(video).size / 16000 < 11.5  # jfk's 11 s under 20 s of video


# --- The fault matrix: every case runs the command as a user would and checks the same four things:
# the exit code, one line naming the file (or URL) and the problem, the folder exactly as it was
# (inputs untouched, nothing partial or temporary added) and earlier good outputs intact.

def speechkit(*args: object, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SPEECHKIT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: any change, addition or removal shows."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_refused(proc: subprocess.CompletedProcess[str], *needles: str, code: int = 2) -> None:
    assert proc.returncode == code, proc.stderr
    assert one_line_error(proc.stderr), proc.stderr
    assert proc.stderr.startswith("speechkit: error: ")
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


def _wav(path: Path, samples: np.ndarray, rate: int = 16000) -> None:
    sf.write(path, samples, rate)


BAD_AUDIO = {  # file name -> (how to write it, the problem the error must name)
    "empty.wav": (lambda p: p.write_bytes(b""), "empty file (0 bytes)"),
    "garbage.wav": (lambda p: p.write_bytes(b"RIFF\0\0garbage" * 10), "not a decodable audio"),
    "text.mp3": (lambda p: p.write_text("hello, not audio"), "not a decodable audio"),
    "noise.flac": (lambda p: p.write_bytes(np.random.default_rng(0).bytes(4096)), "implausible sample rate 0 Hz"),
    "no_samples.wav": (lambda p: _wav(p, np.zeros(0, "int16")), "no audio samples"),
    "channels100.wav": (lambda p: _wav(p, np.zeros((1600, 100), "int16")), "100 channels in the header"),
    "rate4mhz.wav": (lambda p: _wav(p, np.zeros(1000, "int16"), 4_000_000), "implausible sample rate 4000000 Hz"),
    "folder.wav": (lambda p: p.mkdir(), "the directory holds no audio"),
    "missing.wav": (lambda p: None, "no such file"),
}


@pytest.mark.parametrize("name", sorted(BAD_AUDIO))
def test_bad_audio_is_refused_before_any_model_loads(tmp_path, name):
    write, problem = BAD_AUDIO[name]
    write(tmp_path / name)
    before = snapshot(tmp_path)
    proc = speechkit("transcribe", name, "-d", "out", cwd=tmp_path, timeout=60)
    assert_refused(proc, name, problem)
    assert "tiny.en" not in proc.stderr
    assert snapshot(tmp_path) == before and not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["diarize"], ["augment", "-t", "gain"], ["stress", "-r", "ask not"],
                                     ["run", "CONFIG", "--input"]])
@pytest.mark.parametrize("name", ["garbage.wav", "channels100.wav", "empty.wav"])
def test_every_command_that_reads_audio_refuses_it_the_same_way(tmp_path, command, name):
    BAD_AUDIO[name][0](tmp_path / name)
    config = Path(__file__).resolve().parents[1] / "configs" / "meeting.yaml"
    args = [str(config) if a == "CONFIG" else a for a in command]
    args = [*args, name] if args[0] == "run" else [args[0], name, *args[1:]]
    before = snapshot(tmp_path)
    proc = speechkit(*args, "-d", "out", cwd=tmp_path, timeout=60)
    assert_refused(proc, name, BAD_AUDIO[name][1])
    assert snapshot(tmp_path) == before and not (tmp_path / "out").exists()


GOOD_SEGMENT = {"start": 0.0, "end": 1.0, "text": "hi"}
BAD_DOCUMENTS = {  # name -> (file text, the problem the error must name)
    "malformed": ('{"schema_version": "1.0", "segments": [', "malformed JSON at line 1"),
    "list": ("[1, 2]", "top level is list"),
    "neither": ('{"text": "hi"}', "no 'schema_version' and no 'segments'"),
    "major2": ('{"schema_version": "2.0", "segments": []}', "schema version 2.0 is not supported"),
    "negative": ('{"schema_version": "1.0", "segments": [{"start": -1, "end": 1, "text": "a"}]}',
                 "greater than or equal to 0"),
    "infinite": ('{"schema_version": "1.0", "segments": [{"start": 0, "end": Infinity, "text": "a"}]}', "finite number"),
    "nan": ('{"schema_version": "1.0", "segments": [{"start": NaN, "end": 1, "text": "a"}]}', "finite number"),
    "inverted": ('{"schema_version": "1.0", "segments": [{"start": 5, "end": 1, "text": "a"}]}',
                 "ends at 1.0 s, before it starts at 5.0 s"),
    "inverted_word": ('{"schema_version": "1.0", "segments": [{"start": 0, "end": 3, "text": "a", '
                      '"words": [{"word": "a", "start": 2, "end": 1}]}]}', "segments.0.words.0"),
    "out_of_order": ('{"schema_version": "1.0", "segments": [{"start": 5, "end": 6, "text": "a"}, '
                     '{"start": 1, "end": 2, "text": "b"}]}', "segments out of order"),
    "text_not_string": ('{"schema_version": "1.0", "segments": [{"start": 0, "end": 1, "text": 3}]}', "segments.0.text"),
    "whisperx_bad_segment": ('{"segments": ["not an object"]}', "segment is str, expected an object"),
    "binary": ("\x00\x01\x02garbage", "binary data, not a text file"),
}


@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
def test_bad_documents_are_refused_by_name_and_place(tmp_path, name):
    text, problem = BAD_DOCUMENTS[name]
    (tmp_path / f"{name}.transcribe.json").write_text(text)
    before = snapshot(tmp_path)
    proc = speechkit("export", f"{name}.transcribe.json", "-f", "srt,tsv,md", "-d", "out", cwd=tmp_path, timeout=60)
    assert_refused(proc, f"{name}.transcribe.json", problem)
    assert snapshot(tmp_path) == before and not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["align", "diarize", "summarize", "export"])
def test_every_command_that_reads_documents_refuses_out_of_order_segments(tmp_path, command):
    (tmp_path / "talk.transcribe.json").write_text(BAD_DOCUMENTS["out_of_order"][0])
    before = snapshot(tmp_path)
    proc = speechkit(command, "talk.transcribe.json", "-d", "out", cwd=tmp_path, timeout=60)
    assert_refused(proc, "talk.transcribe.json", "segments out of order")
    assert snapshot(tmp_path) == before


BAD_CONFIGS = {  # name -> (YAML text or None for a missing file, the problem the error must name)
    "missing": (None, "no such config file"),
    "malformed": ("stages: [\n", "malformed YAML at line 2"),
    "a_list": ("- 1\n", "a config is a mapping with 'stages' (got list)"),
    "unknown_stage": ("stages: [{stage: nosuch}]\n", "unknown stage 'nosuch'"),
    "bad_option": ("stages: [{stage: transcribe, options: {beam_size: -3}}]\n", "option 'beam_size'"),
    "python_tag": ('!!python/object/apply:os.system ["touch pwned"]\n', "could not determine a constructor"),
}


@pytest.mark.parametrize("name", sorted(BAD_CONFIGS))
def test_bad_run_configs_are_refused_before_any_stage(tmp_path, data_dir, name):
    text, problem = BAD_CONFIGS[name]
    if text is not None:
        (tmp_path / f"{name}.yaml").write_text(text)
    before = snapshot(tmp_path)
    proc = speechkit("run", f"{name}.yaml", "--input", data_dir / "jfk.flac", "-d", "out", cwd=tmp_path, timeout=60)
    assert_refused(proc, f"{name}.yaml", problem)
    assert snapshot(tmp_path) == before and not (tmp_path / "out").exists() and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(("args", "problem"), [
    (["-c", "nosuch.yaml"], "nosuch.yaml: no such conditions config"),
    (["-c", "broken.yaml"], "broken.yaml: malformed YAML at line 2"),
    (["-j", "0"], "workers must be at least 1, got 0"),
    (["--shard", "3/2"], "--shard '3/2': need 0 <= i < n"),
])
def test_bad_stress_settings_are_refused_before_any_cell(tmp_path, data_dir, args, problem):
    (tmp_path / "broken.yaml").write_text("conditions: [\n")
    before = snapshot(tmp_path)
    proc = speechkit("stress", data_dir / "jfk.flac", "-r", "ask not", *args, "-d", "s", cwd=tmp_path, timeout=60)
    assert_refused(proc, problem)
    assert snapshot(tmp_path) == before and not (tmp_path / "s").exists()


@pytest.mark.parametrize(("args", "problem"), [
    (["transcribe", "x.wav", "--beam-size", "abc"], "Invalid value for '--beam-size'"),
    (["transcribe", "x.wav", "--temprature", "1"], "No such option: --temprature"),
    (["nosuch"], "No such command 'nosuch'"),
    (["export"], "Missing argument 'document'"),
    (["eval", "wer", "hyp.json"], "Missing argument 'reference'"),
])
def test_usage_errors_are_one_line_with_exit_2(tmp_path, args, problem):
    proc = speechkit(*args, cwd=tmp_path, timeout=60)
    assert_refused(proc, problem, "--help")
    assert not list(tmp_path.iterdir())


def _good_document(folder: Path) -> Path:
    from speechkit.schema import Document, Segment

    return Document(segments=[Segment(start=0.0, end=1.0, text="hello")]).save(folder / "talk.transcribe.json")


@pytest.mark.parametrize(("command", "target"), [
    (["export", "talk.transcribe.json", "-f", "srt"], "-d"),
    (["augment", "AUDIO", "-t", "gain"], "-d"),
])
def test_a_file_where_the_output_folder_should_be_fails_before_work(tmp_path, data_dir, command, target):
    _good_document(tmp_path)
    (tmp_path / "afile").write_text("in the way")
    args = [str(data_dir / "jfk.flac") if a == "AUDIO" else a for a in command]
    before = snapshot(tmp_path)
    proc = speechkit(*args, target, "afile", cwd=tmp_path, timeout=60)
    assert_refused(proc, "afile/", "cannot write")
    assert snapshot(tmp_path) == before


def test_a_failed_rerun_leaves_the_earlier_good_outputs_intact(tmp_path):
    _good_document(tmp_path)
    assert speechkit("export", "talk.transcribe.json", "-f", "srt,tsv", "-d", "out", cwd=tmp_path).returncode == 0
    good = snapshot(tmp_path / "out")
    (tmp_path / "talk.transcribe.json").write_text(BAD_DOCUMENTS["inverted"][0])
    proc = speechkit("export", "talk.transcribe.json", "-f", "srt,tsv", "-d", "out", cwd=tmp_path)
    assert_refused(proc, "talk.transcribe.json", "before it starts")
    assert snapshot(tmp_path / "out") == good and "hello" in good["talk.srt"].decode()


def test_two_names_differing_after_the_first_dot_write_separate_files(tmp_path):
    from speechkit.schema import Document, Segment

    for version in ("v1", "v2"):
        Document(segments=[Segment(start=0.0, end=1.0, text=f"take {version}")]).save(
            tmp_path / f"talk.{version}.transcribe.json")
        assert speechkit("export", f"talk.{version}.transcribe.json", "-f", "txt", "-d", "out",
                         cwd=tmp_path).returncode == 0
    assert (tmp_path / "out" / "talk.v1.txt").read_text().strip() == "take v1"
    assert (tmp_path / "out" / "talk.v2.txt").read_text().strip() == "take v2"


@pytest.mark.parametrize(("path", "args", "problem"), [
    ("missing.mp4", [], "not found (HTTP 404)"),
    ("private/talk.mp4", [], "access denied (HTTP 403)"),
    ("nomedia.html", [], "unsupported URL: no audio or video found"),
    ("to-file.mp4", [], "redirected to file:///etc/passwd: only http:// and https:// are fetched"),
    ("endless.mp4", ["--max-size", "1048576"], "larger than the 1,048,576-byte limit"),
])
def test_download_faults_from_a_local_server_are_one_line_and_leave_nothing(tmp_path, site, path, args, problem):
    proc = speechkit("download", site.url(path), *args, "-d", "out", cwd=tmp_path, timeout=90)
    assert_refused(proc, site.url(path), problem)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize(("url", "problem"), [
    ("file:///etc/passwd", "not a valid URL (expected http:// or https://)"),
    ("ftp://127.0.0.1/x.mp3", "not a valid URL"),
    ("http://127.0.0.1:9/talk.mp4", "no network: connection refused"),
])
def test_download_urls_that_cannot_be_fetched(tmp_path, url, problem):
    proc = speechkit("download", url, "-d", "out", cwd=tmp_path, timeout=60)
    assert_refused(proc, url, problem)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_stalled_download_keeps_only_what_a_rerun_resumes_from(tmp_path, site):
    proc = speechkit("download", site.url("trickle.mp4"), "--stall-timeout", "2", "-d", "out", cwd=tmp_path, timeout=60)
    assert_refused(proc, site.url("trickle.mp4"), "the transfer stalled")
    left = [p.name for p in (tmp_path / "out").iterdir()] if (tmp_path / "out").exists() else []
    assert all(name.endswith((".part", ".info.json")) for name in left), left


@pytest.mark.parametrize(("sig", "code", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                   (signal.SIGTERM, 143, "terminated")])
def test_a_signal_mid_download_exits_with_its_code_and_writes_no_document(tmp_path, site, sig, code, word):
    proc = subprocess.Popen([SPEECHKIT, "download", site.url("trickle.mp4"), "-d", "out"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(5)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code and stderr.strip() == f"speechkit: {word}", stderr
    assert not list(tmp_path.rglob("*.download.json"))


@pytest.mark.parametrize(("args", "named", "problem"), [
    (["wer", "talk.transcribe.json", "nosuch.txt"], "nosuch.txt", "no such file"),
    (["wer", "talk.transcribe.json", "refs"], "refs", "is a directory, not a file"),
    (["wer", "talk.transcribe.json", "latin1.txt"], "latin1.txt", "cannot read file"),
    (["wer", "garbage.wav", "ref.txt"], "garbage.wav", "binary data, not a text file"),
    (["wer", "talk.transcribe.json", "garbage.wav"], "garbage.wav", "binary data, not a text file"),
    (["der", "talk.transcribe.json", "ref.txt"], "ref.txt", "no SPEAKER lines"),
])
def test_eval_refuses_references_and_hypotheses_it_cannot_score(tmp_path, args, named, problem):
    _good_document(tmp_path)
    (tmp_path / "refs").mkdir()
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "ref.txt").write_text("hello")
    BAD_AUDIO["garbage.wav"][0](tmp_path / "garbage.wav")
    before = snapshot(tmp_path)
    proc = speechkit("eval", *args, cwd=tmp_path, timeout=60)
    assert_refused(proc, named, problem)
    assert proc.stdout == "" and snapshot(tmp_path) == before


def test_hostile_text_exports_as_one_tsv_row_and_escaped_markdown(tmp_path):
    from speechkit.schema import Document, Segment, Source

    Document(source=Source(uri="x.wav", title="<img src=x onerror=alert(1)>"),
             segments=[Segment(start=0.0, end=1.0, text="one\ntwo\r\nthree\tfour <script>x</script>", speaker="A"),
                       Segment(start=1.0, end=2.0, text="next", speaker="B")]).save(tmp_path / "evil.transcribe.json")
    proc = speechkit("export", "evil.transcribe.json", "-f", "tsv,md", "-d", "out", cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    rows = (tmp_path / "out" / "evil.tsv").read_text().splitlines()
    assert [len(r.split("\t")) for r in rows] == [4, 4, 4] and rows[2].endswith("next")
    markdown = (tmp_path / "out" / "evil.md").read_text()
    assert "<script>" not in markdown and "<img" not in markdown and "&lt;script&gt;" in markdown


def test_ctrl_c_during_a_run_exits_130_and_leaves_no_partial_document(tmp_path, data_dir):
    config = Path(__file__).resolve().parents[1] / "configs" / "meeting.yaml"
    longform = data_dir / "longform" / "kathleen_arctic_b0001-b0240.flac"
    proc = subprocess.Popen([SPEECHKIT, "run", str(config), "--input", str(longform), "-d", "out"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    manifest = tmp_path / "out" / f"{longform.stem}.run.json"
    deadline = time.monotonic() + 120  # the run has started its first stage once its manifest exists (slow on a busy CPU)
    while not manifest.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and stderr.strip().splitlines()[-1] == "speechkit: interrupted", stderr
    assert "Traceback" not in stderr
    left = [p for p in tmp_path.rglob("*") if p.is_file()]  # no stage finished, nothing half-written:
    assert [p.name for p in left] == [f"{longform.stem}.run.json"]  # only the run's manifest, for the rerun
    json.loads(left[0].read_text())
