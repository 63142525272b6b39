"""Word timing at turn boundaries, per way of timing words, side by side in one run (real weights).

    .venv/bin/python benchmarks/word_timing.py [--seeds 0 1 2 3 4 5] [--minutes 1 3] [--pads 0.3]
        [--output benchmarks/results/word_timing.json] [--work /tmp/speechkit-conversations]

Built conversations (``benchmarks/conversations.py``) have turns trimmed of silence to a 30 ms frame,
so a turn's first word starts at the turn's start and its last word ends at its end. For every turn
that overlaps no other and lies at least 0.3 s from its neighbours, the words whose middle falls in
the turn (widened by half the pause on each side) are taken, and the errors measured are
``first.start - turn.start`` and ``last.end - turn.end``. Ways of timing words, on the same
transcript (faster-whisper tiny.en, batched, as the default transcribe gives it):

* ``transcribe``: faster-whisper's own word timestamps;
* ``align whisper tiny.en`` / ``align whisper base``: speechkit's ``whisper`` aligner, which
  force-aligns the transcript's text with a Whisper model's cross-attention;
* ``align pocketsphinx``: speechkit's ``pocketsphinx`` aligner, HMM forced alignment of the
  transcript's words with pocketsphinx's bundled en-us acoustic model (``--pad`` seconds searched
  beyond each segment's ends; ``--pads`` measures several margins in the same run).

The ``whisperx`` (wav2vec2 CTC) aligner has no real weights on this machine, so it is not measured.
The edges are exact to where a clip's level rises within 35 dB of its peak: the LibriVox and jfk clips
open with 0.15-0.2 s of room noise above that floor, so part of every method's error is the reference's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
GAP = 0.3
ALIGNERS = {"align whisper tiny.en": ("whisper", {"model": "tiny.en"}),
            "align whisper base": ("whisper", {"model": "base"})}


def clear_turns(turns: list[dict]) -> list[tuple[dict, float, float]]:
    """Turns apart from every other by ``GAP`` or more, with the window their words may fall in."""
    ordered = sorted(turns, key=lambda t: t["start"])
    out = []
    for i, turn in enumerate(ordered):
        before = turn["start"] - ordered[i - 1]["end"] if i else turn["start"]
        after = ordered[i + 1]["start"] - turn["end"] if i + 1 < len(ordered) else GAP
        if before >= GAP and after >= GAP:
            out.append((turn, turn["start"] - before / 2, turn["end"] + after / 2))
    return out


def boundary_errors(doc, turns: list[dict]) -> list[tuple[float, float]]:
    """(start error, end error) in seconds for every clear turn that got words."""
    words = [w for s in doc.segments for w in s.words if w.start is not None and w.end is not None]
    errors = []
    for turn, low, high in clear_turns(turns):
        inside = [w for w in words if low <= (w.start + w.end) / 2 < high]
        if inside:
            errors.append((inside[0].start - turn["start"], inside[-1].end - turn["end"]))
    return errors


def stats(errors: list[float]) -> dict[str, float]:
    absolute = [abs(e) for e in errors]
    return {"n": len(errors), "median_abs_s": round(statistics.median(absolute), 3),
            "mean_s": round(statistics.mean(errors), 3),
            "within_0.1_s": round(sum(a <= 0.1 for a in absolute) / len(absolute), 3),
            "within_0.25_s": round(sum(a <= 0.25 for a in absolute) / len(absolute), 3)}


def main() -> None:
    from attribution import build_conversations

    from speechkit.inputs.documents import document_from_audio
    from speechkit.io import atomic_write_text
    from speechkit.registry import load_backend

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4, 5])
    parser.add_argument("--minutes", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "word_timing.json")
    parser.add_argument("--pads", type=float, nargs="+", default=[0.3],
                        help="pocketsphinx search margins to measure (the first is named plain 'align pocketsphinx')")
    parser.add_argument("--work", type=Path, default=Path("/tmp/speechkit-conversations"))
    args = parser.parse_args()

    transcribe = load_backend("transcribe", "faster-whisper")(model="tiny.en", language="en")
    methods = {**ALIGNERS, **{"align pocketsphinx" + (f" pad {pad:g}" if i else ""): ("pocketsphinx", {"pad": pad})
                              for i, pad in enumerate(args.pads)}}
    aligners = {name: load_backend("align", backend)(**options) for name, (backend, options) in methods.items()}
    errors: dict[str, dict[str, list[float]]] = {m: {"start": [], "end": []} for m in ("transcribe", *aligners)}
    notes: dict[str, dict[str, list[str]]] = {m: {} for m in aligners}
    for path, truth in build_conversations(args.work, args.seeds, tuple(args.minutes)):
        doc = transcribe(document_from_audio(path))
        for name, doc_timed in [("transcribe", doc), *((n, a(doc)) for n, a in aligners.items())]:
            if name in aligners and doc_timed.provenance[-1].notes:
                notes[name][path.name] = doc_timed.provenance[-1].notes
            for start, end in boundary_errors(doc_timed, truth["turns"]):
                errors[name]["start"].append(start)
                errors[name]["end"].append(end)
        print(path.name, {m: len(e["start"]) for m, e in errors.items()}, file=sys.stderr)
    report = {"conversations": len(args.seeds), "seeds": args.seeds, "minutes": args.minutes,
              "transcript": "faster-whisper tiny.en", "pocketsphinx_pad_s": args.pads[0],
              "methods": {m: {edge: stats(e[edge]) for edge in ("start", "end")} for m, e in errors.items()},
              "notes": {m: n for m, n in notes.items() if n}}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.output, json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["methods"], indent=1))


if __name__ == "__main__":
    main()
