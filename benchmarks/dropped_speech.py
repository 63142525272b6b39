"""Dropped speech, WER and wall time of four decodings, side by side in one run (real weights, shared data).

    flock /tmp/speechkit-bench.lock .venv/bin/python benchmarks/dropped_speech.py \
        [--seeds 0 3] [--minutes 2 4] [--meetings dev00 dev01 trn00 ... trn09] [--model base] \
        [--output benchmarks/results/dropped_speech.json] [--work /tmp/speechkit-dropped]

Modes, each with its model loaded before any timing, taken in a rotated order on every file:

* ``old default``: speechkit's faster-whisper as the meeting config ran it before the coverage check
  (batched, batch 8; the check patched out);
* ``new default``: the same with the coverage check (``speechkit/stages/transcribe/coverage.py``);
* ``sequential``: ``--batch-size 1`` (temperature fallbacks; the coverage check on);
* ``raw batched``: faster-whisper's own ``BatchedInferencePipeline.transcribe`` with the same options.

Files: built conversations (``benchmarks/conversations.py``: real speakers, exact turns and words) and
AMI excerpts (``--meetings``; their RTTM has turns, not words). "Dropped speech" is the share of
reference words no recognised word comes near (``speechkit.metrics.dropped``); for AMI, the share
of reference speech time more than 1 s from every recognised word, also over the turns of 1 s or more
only (a sub-second turn, often a laugh or "mm", that Silero VAD does not call speech is no decoder's
loss). WER only where words are known
(conversations; hypothesis words inside sample.wav's untranscribed turns are left out).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
DATA = ROOT.parent / "shared" / "data"
MODES = ("old default", "new default", "sequential", "raw batched")


def machine() -> dict:
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return {"uptime": uptime, "nproc": os.cpu_count()}


class Decoders:
    """The four decodings, loaded once."""

    def __init__(self, model: str) -> None:
        import speechkit
        from faster_whisper import BatchedInferencePipeline

        self.batched = speechkit.load("transcribe", "faster-whisper", model=model, language="en")
        self.sequential = speechkit.load("transcribe", "faster-whisper", model=model, language="en", batch_size=1)
        from speechkit.stages.run import Run

        self.raw = BatchedInferencePipeline(self.batched.loaded_model(Run()).model)  # the same loaded weights

    def __call__(self, mode: str, path: Path) -> tuple[list, list[str]]:
        """The recognised words and the run's notes."""
        import speechkit
        from speechkit.stages.transcribe import common
        from speechkit.stages.transcribe.coverage import Coverage

        if mode == "raw batched":
            from speechkit.media.audio import load_audio
            from speechkit.schema import Word

            segments, _ = self.raw.transcribe(load_audio(str(path), 16000), language="en", beam_size=5,
                                              word_timestamps=True, batch_size=8)
            return [Word(word=w.word, start=w.start, end=w.end) for s in segments for w in s.words or []], []
        real = common.cover
        if mode == "old default":
            common.cover = lambda samples, offset, segments, redecode: Coverage(list(segments))
        try:
            doc = (self.sequential if mode == "sequential" else self.batched)(speechkit.read(path))
        finally:
            common.cover = real
        return [w for s in doc.segments for w in s.words], doc.provenance[-1].notes


def conversation_scores(words: list, truth: dict) -> dict:
    import jiwer

    from speechkit.metrics.attribution import ReferenceTurn
    from speechkit.metrics.dropped import dropped_share, dropped_words
    from speechkit.metrics.wer import normalize

    turns = [ReferenceTurn(**t) for t in truth["turns"]]
    spoken = [t for t in turns if t.text]
    untranscribed = [t for t in turns if not t.text]
    kept = [w for w in words if not any(t.start <= (w.start + w.end) / 2 <= t.end for t in untranscribed)
            or any(t.start <= (w.start + w.end) / 2 <= t.end for t in spoken)]
    reference = normalize(" ".join(t.text for t in sorted(spoken, key=lambda t: t.start)))
    hypothesis = normalize(" ".join(w.word for w in sorted(kept, key=lambda w: w.start))) or "<empty>"
    lost = dropped_words(spoken, words)
    return {"dropped": round(dropped_share(spoken, words), 4), "wer": round(jiwer.wer(reference, hypothesis), 4),
            "dropped_at": [round(a, 1) for a, _ in lost][:40]}


def meeting_scores(words: list, reference: list) -> dict:
    from speechkit.metrics.dropped import dropped_time_share

    long = [t for t in reference if t.end - t.start >= 1.0]
    return {"dropped": round(dropped_time_share(reference, words), 4),
            "dropped_turns_over_1s": round(dropped_time_share(long, words), 4), "words": len(words)}


def files(args: argparse.Namespace) -> list[tuple[str, Path, object]]:
    import conversations
    from speechkit.export.rttm import read_rttm

    out: list[tuple[str, Path, object]] = []
    pool = conversations.speakers()
    for seed in args.seeds:
        audio, turns = conversations.build(seed, tuple(args.minutes), pool)
        path = conversations.write(args.work, seed, audio, turns)
        out.append((path.stem, path, json.loads(path.with_suffix(".json").read_text())))
    for uri in args.meetings:
        path, rttm = ((DATA / f"{uri}.wav", DATA / "debug.development.rttm") if uri.startswith("dev")
                      else (DATA / "meetings" / f"{uri}.flac", DATA / "meetings" / f"{uri}.rttm"))
        out.append((uri, path, read_rttm(rttm)[uri]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 3])
    parser.add_argument("--minutes", type=float, nargs=2, default=(2.0, 4.0))
    parser.add_argument("--meetings", nargs="+", default=["dev00", "dev01"] + [f"trn{i:02d}" for i in range(10)])
    parser.add_argument("--model", default="base", help="the meeting config's model")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "dropped_speech.json")
    parser.add_argument("--work", type=Path, default=Path("/tmp/speechkit-dropped"))
    args = parser.parse_args()
    results: dict = {"model": args.model, "machine_before": machine(), "files": {}}
    items = files(args)
    decoders = Decoders(args.model)
    for mode in MODES:  # warm every path (VAD, word timing) outside the timings
        decoders(mode, DATA / "jfk.flac")
    for index, (name, path, truth) in enumerate(items):
        row: dict = {"duration_s": None}
        order = MODES[index % len(MODES):] + MODES[:index % len(MODES)]
        for mode in order:
            started = time.perf_counter()
            words, notes = decoders(mode, path)
            wall = time.perf_counter() - started
            scores = conversation_scores(words, truth) if isinstance(truth, dict) else meeting_scores(words, truth)
            row[mode] = {**scores, "wall_s": round(wall, 2), "notes": [n for n in notes if "detected speech" in n]}
            print(f"{name} {mode}: {row[mode]}", flush=True)
        import soundfile as sf

        row["duration_s"] = round(sf.info(str(path)).duration, 1)
        results["files"][name] = row
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=1) + "\n")
    results["totals"] = {mode: {"wall_s": round(sum(r[mode]["wall_s"] for r in results["files"].values()), 1),
                                "max_dropped": max(r[mode]["dropped"] for r in results["files"].values())}
                         for mode in MODES}
    old = results["totals"]["old default"]["wall_s"]
    for mode in MODES:
        results["totals"][mode]["wall_vs_old_default"] = round(results["totals"][mode]["wall_s"] / old, 3)
    results["machine_after"] = machine()
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    args.output.with_suffix(".md").write_text(table(results))
    print(table(results))


def table(results: dict) -> str:
    lines = [f"# Dropped speech, {results['model']}, one run, modes alternated per file\n",
             "Dropped: conversations, share of reference words with no recognised word within 0.5 s; AMI, share of "
             "reference speech time more than 1 s from every recognised word (in brackets: over the turns of 1 s "
             "or more). WER on conversations only (AMI excerpts have no transcripts).\n",
             f"Machine before: {results['machine_before']['uptime']} ({results['machine_before']['nproc']} cores); "
             f"after: {results['machine_after']['uptime']}. Other engineers were working on the machine.\n",
             "| file | s | " + " | ".join(f"{m}: dropped / WER / wall s" for m in MODES) + " |",
             "|---|---:|" + "---|" * len(MODES)]
    for name, row in results["files"].items():
        cells = [f"{row[m]['dropped'] * 100:.1f} %"
                 + (f" ({row[m]['dropped_turns_over_1s'] * 100:.1f} %)" if "dropped_turns_over_1s" in row[m] else "")
                 + " / " + (f"{row[m]['wer'] * 100:.1f} %" if "wer" in row[m] else "-")
                 + f" / {row[m]['wall_s']:.1f}" for m in MODES]
        lines.append(f"| {name} | {row['duration_s']} | " + " | ".join(cells) + " |")
    totals = results["totals"]
    lines.append("| **total** | | " + " | ".join(
        f"max {totals[m]['max_dropped'] * 100:.1f} % / - / {totals[m]['wall_s']} ({totals[m]['wall_vs_old_default']}x)"
        for m in MODES) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
