"""Quiet recordings and real repetitions: speechkit against raw faster-whisper, side by side in one run.

    nice -n 10 .venv/bin/python benchmarks/quiet_speech.py --model tiny.en [--every 1] [--threads 2]

Every shared English recording (english/**/*.flac with its .txt) at its own level and shifted by -20,
-40 and -52 dB (16-bit, as a quiet recorder would store it) goes through speechkit's faster-whisper
stage and through raw faster-whisper on the same weights with the same decoding (batched int8, beam 5,
word timestamps, Silero VAD), alternating file by file. Per set (kathleen, librispeech) and level:
pooled WER of both, and every file where speechkit makes more than one word error more than raw
(the issue's bound: none). Then digital silence and every noise-only recording (own level and -40 dB),
where speechkit must give an empty transcript. ``--every N`` takes every N-th kathleen utterance and
``--libri-every M`` every M-th of the 11 LibriSpeech ones, to keep the CPU time reasonable on a shared
machine. Partial results are written every 10 recordings (``"partial": true``), so an interrupted run
still shows what it measured, and ``--resume`` takes the rows a run of the same model already wrote
(decoding is deterministic) instead of decoding them again.
Results merge into benchmarks/quiet_speech.json under the model's name; the table goes to quiet_speech.md.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
LEVELS = (0, -20, -40, -52)
OUTPUT = ROOT / "benchmarks" / "quiet_speech.json"


def shifted(samples: np.ndarray, db: float) -> np.ndarray:
    """The recording ``db`` dB quieter, rounded to 16 bits as a file would hold it."""
    return (np.round(samples * 10 ** (db / 20) * 32768) / 32768).astype(np.float32)


def recordings(every: int, libri_every: int) -> list[tuple[str, Path, str]]:
    files = sorted((DATA / "english" / "kathleen").glob("*.flac"))[::every] + sorted(
        (DATA / "english" / "librispeech").glob("*.flac"))[::libri_every]
    return [(f.parent.name, f, f.with_suffix(".txt").read_text().strip())
            for f in files if f.with_suffix(".txt").is_file()]


def raw_decoder(model: str, threads: int):
    """faster-whisper as its README shows it, on the weights speechkit resolves, with speechkit's default decoding."""
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    from speechkit.models.resolve import resolve_whisper

    whisper = WhisperModel(str(resolve_whisper(model).path), device="cpu", compute_type="int8", cpu_threads=threads)
    pipeline = BatchedInferencePipeline(whisper)

    def transcribe(samples: np.ndarray) -> str:
        segments, _ = pipeline.transcribe(samples, language="en", beam_size=5, word_timestamps=True,
                                          vad_filter=True, batch_size=8)
        return "".join(s.text for s in segments).strip()
    return transcribe


def speechkit_decoder(model: str, threads: int):
    from speechkit.registry import load_backend
    from speechkit.stress.worker import in_memory

    stage = load_backend("transcribe", "faster-whisper")(model=model, language="en", threads=threads)

    def transcribe(samples: np.ndarray) -> tuple[str, list[str]]:
        doc, audio = in_memory("quiet-speech", samples)
        out = stage(doc, audio=audio)
        return out.text.strip(), out.provenance[-1].notes
    return transcribe


def errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word errors, reference words) after Whisper's English normaliser."""
    import jiwer

    from speechkit.metrics.wer import normalize

    ref, hyp = normalize(reference), normalize(hypothesis)
    if not hyp:
        return len(ref.split()), len(ref.split())
    out = jiwer.process_words(ref, hyp)
    return out.substitutions + out.deletions + out.insertions, len(ref.split())


def summary(files: list[dict]) -> dict:
    """Pooled WER of both decoders per set and level, and the files where speechkit is worse by over a word."""
    sets: dict = {}
    for name in sorted({f["set"] for f in files}):
        for db in LEVELS:
            rows = [f for f in files if f["set"] == name and f["level_db"] == db]
            words = sum(f["words"] for f in rows)
            sets[f"{name} {db:+d} dB"] = {
                "files": len(rows), "words": words,
                "raw_wer": round(sum(f["raw_errors"] for f in rows) / words, 4),
                "speechkit_wer": round(sum(f["speechkit_errors"] for f in rows) / words, 4),
                "files_raw_empty": sum(not f["raw"] for f in rows),
                "files_speechkit_empty": sum(not f["speechkit"] for f in rows),
                "files_worse_by_more_than_one_word": [f"{f['file']}: {f['speechkit_errors']} vs {f['raw_errors']}"
                                                      for f in rows if f["speechkit_errors"] > f["raw_errors"] + 1]}
    return sets


def main() -> None:
    from speechkit.media.audio import load_audio

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--every", type=int, default=1, help="take every N-th kathleen utterance (1 = all)")
    parser.add_argument("--libri-every", type=int, default=1, help="take every M-th LibriSpeech utterance (1 = all)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--resume", action="store_true", help="reuse the rows an earlier run of this model wrote")
    args = parser.parse_args()
    raw, ours = raw_decoder(args.model, args.threads), speechkit_decoder(args.model, args.threads)
    items = recordings(args.every, args.libri_every)
    started, files = time.perf_counter(), []
    earlier = {(f["file"], f["level_db"]): f for f in load().get(args.model, {}).get("files", [])} if args.resume else {}
    for name, path, reference in items:
        if all((path.name, db) in earlier for db in LEVELS):
            files += [earlier[path.name, db] for db in LEVELS]
            continue
        clean = load_audio(path)
        for db in LEVELS:
            samples = shifted(clean, db)
            raw_text = raw(samples)
            our_text, notes = ours(samples)
            raw_err, n = errors(reference, raw_text)
            our_err, _ = errors(reference, our_text)
            files.append({"set": name, "file": path.name, "level_db": db, "words": n, "raw_errors": raw_err,
                          "speechkit_errors": our_err, "raw": raw_text, "speechkit": our_text,
                          "notes": [x for x in notes if "quiet" in x or "loop" in x or "silent" in x]})
        done = len(files) // len(LEVELS)
        print(f"{done}/{len(items)} {path.name}", file=sys.stderr, flush=True)
        if done % 10 == 0:
            save(args, {"partial": True, "recordings_done": done, "sets": summary(files), "files": files})
    sets = summary(files)
    no_speech = {"digital silence (5 s of zeros)": np.zeros(5 * 16000, np.float32)}
    for noise in sorted((DATA / "noise").glob("*.flac")):
        for db in (0, -40):
            no_speech[f"{noise.name} {db:+d} dB"] = shifted(load_audio(noise), db)
    empty = {}
    for label, samples in no_speech.items():
        our_text, _ = ours(samples)
        empty[label] = {"raw": raw(samples), "speechkit": our_text}
    result = {
        "model": args.model, "every": args.every, "libri_every": args.libri_every, "threads": args.threads,
        "recordings": len(items),
        "levels_db": list(LEVELS), "wall_s": round(time.perf_counter() - started, 1),
        "machine": {"nproc": os.cpu_count(), "load_average_end": [round(x, 2) for x in os.getloadavg()],
                    "note": "shared machine, run under nice; the times are not comparisons"},
        "sets": sets,
        "no_speech": {"files": len(empty), "speechkit_nonempty": [k for k, v in empty.items() if v["speechkit"]],
                      "raw_nonempty": [k for k, v in empty.items() if v["raw"]], "outputs": empty},
        "files": files,
    }
    save(args, result)
    print(json.dumps({k: {m: v[m] for m in ("raw_wer", "speechkit_wer", "files_worse_by_more_than_one_word")}
                      for k, v in sets.items()}, indent=1))
    print("no speech, speechkit non-empty:", result["no_speech"]["speechkit_nonempty"])


def load() -> dict:
    return json.loads(OUTPUT.read_text()) if OUTPUT.is_file() else {}


def save(args: argparse.Namespace, result: dict) -> None:
    """Merge this model's results into the file; a lock keeps runs of two models from losing each other's."""
    with open("/tmp/speechkit-quiet-speech.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        merged = load()
        merged[args.model] = result
        OUTPUT.write_text(json.dumps(merged, indent=1) + "\n")
        write_table(merged)


def write_table(merged: dict) -> None:
    lines = ["# Quiet speech: speechkit vs raw faster-whisper (pooled WER, same weights and decoding)", "",
             "Generated by `benchmarks/quiet_speech.py` (figures in `quiet_speech.json`).", ""]
    for model, result in merged.items():
        if result.get("partial"):
            lines += [f"## {model}: partial, {result['recordings_done']} recordings so far", ""]
            continue
        lines += [f"## {model}: {result['recordings']} recordings x {len(result['levels_db'])} levels "
                  f"(every {result['every']} kathleen, every {result.get('libri_every', 1)} LibriSpeech)", "",
                  "| set, level | files | words | raw WER | speechkit WER | raw empty | speechkit empty | "
                  "files worse by >1 word |", "|---|---|---|---|---|---|---|---|"]
        for label, s in result["sets"].items():
            lines.append(f"| {label} | {s['files']} | {s['words']} | {s['raw_wer']:.4f} | {s['speechkit_wer']:.4f} | "
                         f"{s['files_raw_empty']} | {s['files_speechkit_empty']} | "
                         f"{len(s['files_worse_by_more_than_one_word'])} |")
        ns = result["no_speech"]
        lines += ["", f"No speech ({ns['files']} inputs: digital silence, each noise file at its level and -40 dB): "
                  f"speechkit non-empty on {ns['speechkit_nonempty'] or 'none'}; raw non-empty on "
                  f"{ns['raw_nonempty'] or 'none'}.", ""]
    (OUTPUT.with_suffix(".md")).write_text("\n".join(lines))


if __name__ == "__main__":
    main()
