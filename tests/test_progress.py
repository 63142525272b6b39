"""Progress that moves and tells the truth: plain lines in a log at a bounded rate, loads without a percentage,
diarization's sub-steps folded into one bar, and (with real weights) transcription that advances as it decodes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from speechkit.progress import INTERVAL_ENV, LogLines, RichHook, clock, log_interval, remaining
from speechkit.stages.diarize.block_progress import BlockProgress
from tests import fakes

SPEECHKIT = str(Path(sys.executable).with_name("speechkit"))
LONGFORM = "longform/kathleen_arctic_b0001-b0240.flac"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def log_lines(interval: float = 10.0) -> tuple[LogLines, FakeClock, list[str]]:
    written: list[str] = []
    time = FakeClock()
    return LogLines(written.append, interval, time), time, written


def test_a_running_step_gets_a_line_at_most_every_interval_with_percent_elapsed_and_eta():
    lines, time, written = log_lines(10.0)
    lines.report("transcribe tiny.en", 0, 300)
    for second in range(1, 60):  # a report every second, and the timer ticking in between
        time.now += 0.5
        lines.tick()
        time.now += 0.5
        lines.report("transcribe tiny.en", second * 5, 300)
    assert written == [f"transcribe tiny.en: {p}%, elapsed 0:00:{s}, eta 0:00:{e}"
                       for p, s, e in ((17, 10, 50), (33, 20, 40), (50, 30, 30), (67, 40, 20), (83, 50, 10))]
    time.now += 1
    lines.report("transcribe tiny.en", 300, 300)
    assert written[-1] == "transcribe tiny.en: 100%, done in 0:01:00", "the end is written at once"


def test_a_step_ends_once_and_may_run_again():
    lines, time, written = log_lines(0.0)
    for completed, total in ((0, 4), (4, 4), (4, 4), (0, 2), (2, 2)):
        time.now += 1
        lines.report("diarize pyannote: embeddings", completed, total)
    assert [line for line in written if "done" in line] == ["diarize pyannote: embeddings: 100%, done in 0:00:01"] * 2


def test_the_timer_alone_shows_life_while_nothing_is_reported():
    lines, time, written = log_lines(10.0)
    lines.report("transcribe tiny.en", 0, 300)
    for _ in range(35):
        time.now += 1
        lines.tick()
    assert written == [f"transcribe tiny.en: 0%, elapsed 0:00:{s}, eta -:--:--" for s in (10, 20, 30)]


def test_a_load_shows_its_elapsed_time_and_no_percentage():
    lines, time, written = log_lines(10.0)
    lines.report("load transcribe base", 0, None)
    time.now += 25
    lines.tick()
    time.now += 1
    lines.report("load transcribe base", 1, 1)
    assert written == ["load transcribe base: elapsed 0:00:25", "load transcribe base: done in 0:00:26"]


def test_a_command_shorter_than_the_interval_writes_its_end_lines_on_success_only():
    lines, time, written = log_lines(10.0)
    lines.report("load transcribe tiny.en", 0, None)
    time.now += 2
    lines.report("load transcribe tiny.en", 1, 1)
    lines.report("transcribe tiny.en", 0, 11.0)
    time.now += 3
    lines.report("transcribe tiny.en", 11.0, 11.0)
    assert written == [], "nothing before the interval: a failure here would leave only its error line"
    lines.finish()
    assert written == ["load transcribe tiny.en: done in 0:00:02", "transcribe tiny.en: 100%, done in 0:00:03"]


def test_the_interval_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(INTERVAL_ENV, raising=False)
    assert log_interval() == 10.0
    monkeypatch.setenv(INTERVAL_ENV, "0.5")
    assert log_interval() == 0.5
    monkeypatch.setenv(INTERVAL_ENV, "soon")
    assert log_interval() == 10.0


def test_eta_is_the_average_rate_so_far():
    assert remaining(30.0, 100.0, 400.0) == 90.0
    assert remaining(30.0, 0.0, 400.0) is None and remaining(30.0, 5.0, None) is None
    assert (clock(3725), clock(None)) == ("1:02:05", "-:--:--")


def test_the_cli_hook_is_silent_under_quiet(monkeypatch, capsys):
    from speechkit.progress import stderr

    monkeypatch.setattr(stderr, "quiet", True)
    with RichHook(interval=0) as hook:
        hook("transcribe tiny.en", 0, 10)
        hook("transcribe tiny.en", 10, 10)
    assert capsys.readouterr() == ("", "")


def test_pyannote_sub_steps_move_the_stage_bar_within_a_block():
    reports: list[tuple[str, float, float | None]] = []
    shares = {"segmentation": 1.0, "embeddings": 3.0}
    fold = BlockProgress(lambda *r: reports.append(r), "diarize pyannote", 1800.0, 600.0, 2400.0, shares)
    for done in range(5):
        fold("diarize pyannote: segmentation", done, 4)
    for done in range(4):
        fold("diarize pyannote: embeddings", done, 3)
    fold("diarize pyannote: clustering", 1, 2)  # not declared: a bar of its own
    stage = [done for step, done, total in reports if step == "diarize pyannote"]
    assert stage == [1800.0, 1837.5, 1875.0, 1912.5, 1950.0, 1950.0, 2100.0, 2250.0, 2400.0]
    assert reports[-1] == ("diarize pyannote: clustering", 1, 2)
    assert {total for step, _, total in reports if step == "diarize pyannote"} == {2400.0}


def test_a_load_is_reported_without_a_total_until_it_is_done(tmp_path, monkeypatch, tone_wav):
    import speechkit
    from speechkit.models import cache

    fakes.install(tmp_path, monkeypatch)
    cache.clear()
    reports: list[tuple[str, float, float | None]] = []
    try:
        speechkit.transcribe(tone_wav, backend="fake", hook=lambda *r: reports.append(r))
    finally:
        cache.clear()
    loads = [r for r in reports if r[0].startswith("load ")]
    assert loads == [("load transcribe tiny.en", 0, None), ("load transcribe tiny.en", 1, 1)]


def cut(data_dir: Path, tmp_path: Path, seconds: float) -> Path:
    """The first ``seconds`` of the 14-minute longform reading (one real speaker), as a FLAC of its own."""
    samples, rate = sf.read(data_dir / LONGFORM, dtype="float32", frames=int(seconds * 16000))
    path = tmp_path / f"longform_{seconds:g}s.flac"
    sf.write(path, samples, rate)
    return path


@pytest.mark.slow
def test_a_multi_minute_transcription_logs_progress_before_it_ends(data_dir, tmp_path):
    audio = cut(data_dir, tmp_path, 210.0)
    log = tmp_path / "stderr.log"
    with log.open("w") as err:
        done = subprocess.run([SPEECHKIT, "transcribe", str(audio), "--model", "tiny.en", "-d", str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=err, text=True, timeout=900,
                              env={**os.environ, INTERVAL_ENV: "1"})
    lines = log.read_text().splitlines()
    assert done.returncode == 0, lines
    end = lines.index(next(line for line in lines if line.startswith("transcribe tiny.en: 100%, done in")))
    progress = [line for line in lines[:end] if re.fullmatch(
        r"transcribe tiny\.en: \d+%, elapsed \d:\d\d:\d\d, eta (\d:\d\d:\d\d|-:--:--)", line)]
    assert len(progress) >= 3, lines
    assert all("%" not in line for line in lines if line.startswith("load ")), lines


@pytest.mark.slow
@pytest.mark.parametrize("backend, options, seconds", [
    ("faster-whisper", {"batch_size": 1}, 300.0),
    ("openai-whisper", {}, 95.0),
    ("transformers", {}, 95.0),
])
def test_the_transcription_bar_moves_as_windows_are_decoded(data_dir, tmp_path, backend, options, seconds):
    """What a log shows (lines at most every 0.5 s, each with the latest value) moves more than twice before the
    end: values reported only once everything is decoded would all land in one line."""
    import speechkit

    written: list[str] = []
    lines = LogLines(written.append, 0.5)
    speechkit.transcribe(cut(data_dir, tmp_path, seconds), model="tiny.en", backend=backend, language="en",
                         hook=lines.report, **options)
    shown = [int(m[1]) for line in written if (m := re.match(r"transcribe tiny\.en: (\d+)%, ", line))]
    moves = {percent for percent in shown if 0 < percent < 100}
    assert len(moves) > 2, written
