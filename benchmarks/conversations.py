"""Seeded multi-speaker conversations stitched from real shared utterances, with exact references.

    .venv/bin/python benchmarks/conversations.py --out /tmp/conversations --seeds 0 1 2 [--minutes 1 5]

Each conversation draws 2-4 different real speakers (english/kathleen, the LibriSpeech speakers
1089, 2412 and 61, the LibriVox reader, jfk, the right channel of stereo_diarization.wav, and the
two speakers of sample.wav where sample.rttm has one of them alone), and alternates their turns
(one to three utterances each) with pauses and, now and then, overlapping starts. Utterances are
trimmed of their leading and trailing silence, so the RTTM written beside each file is exact to a
30 ms frame, and the JSON holds every turn's reference words (empty for sample.wav's pieces,
which have no transcript). Speakers with little audio repeat their utterances: the voices are
real, the dialogue is not. Output goes to ``--out``, never into the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
RATE = 16000
JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
STEREO_RIGHT = "The horizon seems extremely distant."
# stereo_diarization.wav's left channel is LibriSpeech 61-70968-0000 again, so speaker 61 comes from english/


@dataclass(frozen=True)
class Utterance:
    speaker: str
    path: str
    text: str
    channel: str | None = None
    span: tuple[float, float] | None = None
    """A stretch of ``path`` in seconds, for speakers cut out of a longer recording."""


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: str
    text: str


def _english(pattern: str, speaker: str) -> list[Utterance]:
    return [Utterance(speaker, str(p), p.with_suffix(".txt").read_text().strip())
            for p in sorted((DATA / "english").glob(pattern))]


def _alone(rttm: Path, uri: str, min_seconds: float = 1.5) -> dict[str, list[tuple[float, float]]]:
    """Per speaker, the stretches where sample.rttm has that speaker and nobody else."""
    from speechkit.export.rttm import read_rttm

    turns = read_rttm(rttm)[uri]
    out: dict[str, list[tuple[float, float]]] = {}
    for turn in turns:
        pieces = [(turn.start, turn.end)]
        for other in turns:
            if other.speaker == turn.speaker:
                continue
            pieces = [p for a, b in pieces for p in ((a, min(b, other.start)), (max(a, other.end), b)) if p[1] > p[0]]
        out.setdefault(turn.speaker, []).extend(p for p in pieces if p[1] - p[0] >= min_seconds)
    return out


def speakers() -> dict[str, list[Utterance]]:
    """Every usable real speaker and their utterances."""
    pool = {
        "kathleen": _english("kathleen/*.flac", "kathleen"),
        "ls-1089": _english("librispeech/1089-*.flac", "ls-1089"),
        "ls-2412": _english("librispeech/2412-*.flac", "ls-2412"),
        "ls-61": _english("librispeech/61-*.flac", "ls-61"),
        "librivox": _english("librispeech/librivox_*.flac", "librivox"),
        "jfk": [Utterance("jfk", str(DATA / "jfk.flac"), JFK)],
        "stereo-right": [Utterance("stereo-right", str(DATA / "stereo_diarization.wav"), STEREO_RIGHT, "right")],
    }
    for speaker, spans in _alone(DATA / "sample.rttm", "sample").items():
        pool[f"sample-{speaker}"] = [Utterance(f"sample-{speaker}", str(DATA / "sample.wav"), "", span=s) for s in spans]
    return pool


def _trim(samples: np.ndarray, frame: int = 480, floor_db: float = -35.0) -> np.ndarray:
    """Cut leading and trailing frames more than ``floor_db`` below the loudest frame."""
    frames = samples[: samples.size // frame * frame].reshape(-1, frame)
    level = 20 * np.log10(np.sqrt((frames ** 2).mean(axis=1)) + 1e-9)
    voiced = np.flatnonzero(level > level.max() + floor_db)
    return samples[voiced[0] * frame:(voiced[-1] + 1) * frame] if voiced.size else samples


def load(utterance: Utterance) -> np.ndarray:
    """16 kHz mono samples of the utterance, trimmed and brought to a common loudness."""
    from speechkit.media.audio import load_audio

    samples = load_audio(utterance.path, RATE, utterance.channel)
    if utterance.span:
        samples = samples[int(utterance.span[0] * RATE):int(utterance.span[1] * RATE)]
    samples = _trim(samples)
    return samples * (0.08 / max(float(np.sqrt((samples ** 2).mean())), 1e-6))


def build(seed: int, minutes: tuple[float, float] = (1.0, 5.0), pool: dict[str, list[Utterance]] | None = None
          ) -> tuple[np.ndarray, list[Turn]]:
    """One conversation: samples and its reference turns (one per utterance), all drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    pool = pool or speakers()
    names = sorted(pool)
    chosen = [names[i] for i in rng.choice(len(names), size=int(rng.integers(2, 5)), replace=False)]
    queues = {name: list(rng.permutation(len(pool[name]))) for name in chosen}
    target = rng.uniform(*minutes) * 60
    pieces: list[tuple[float, np.ndarray, Turn]] = []
    cursor, previous = 0.0, None
    while cursor < target:
        speaker = str(rng.choice([n for n in chosen if n != previous]))
        overlap = previous is not None and rng.random() < 0.15
        cursor += -rng.uniform(0.3, 0.8) if overlap else (rng.uniform(0.3, 1.2) if previous else 0.2)
        for _ in range(int(rng.integers(1, 4))):
            if not queues[speaker]:
                queues[speaker] = list(rng.permutation(len(pool[speaker])))
            utterance = pool[speaker][queues[speaker].pop()]
            samples = load(utterance)
            start = round(max(cursor, 0.0), 3)
            end = round(start + samples.size / RATE, 3)
            pieces.append((start, samples, Turn(start, end, speaker, utterance.text)))
            cursor = end + rng.uniform(0.15, 0.4)
        previous = speaker
    audio = np.zeros(int((max(p[2].end for p in pieces) + 0.5) * RATE), dtype=np.float32)
    for start, samples, _ in pieces:
        at = int(round(start * RATE))
        audio[at:at + samples.size] += samples[: audio.size - at]
    peak = float(np.abs(audio).max())
    return (audio * 0.9 / peak if peak > 0.9 else audio), [p[2] for p in pieces]


def write(out: Path, seed: int, audio: np.ndarray, turns: list[Turn]) -> Path:
    """conv<seed>.wav, .rttm and .json (turns with words) in ``out``; returns the audio path."""
    out.mkdir(parents=True, exist_ok=True)
    uri = f"conv{seed:03d}"
    sf.write(out / f"{uri}.wav", audio, RATE, subtype="PCM_16")
    (out / f"{uri}.rttm").write_text("".join(
        f"SPEAKER {uri} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {t.speaker} <NA> <NA>\n" for t in turns))
    (out / f"{uri}.json").write_text(json.dumps({
        "seed": seed, "duration": round(audio.size / RATE, 3), "speakers": sorted({t.speaker for t in turns}),
        "turns": [asdict(t) for t in turns]}, indent=1))
    return out / f"{uri}.wav"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="Where to write (a temp or cache folder).")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--minutes", type=float, nargs=2, default=(1.0, 5.0))
    args = parser.parse_args()
    if (ROOT in args.out.resolve().parents) or args.out.resolve() == ROOT:
        parser.error("--out must lie outside the repository")
    pool = speakers()
    for seed in args.seeds:
        audio, turns = build(seed, tuple(args.minutes), pool)
        path = write(args.out, seed, audio, turns)
        print(f"{path}: {audio.size / RATE:.1f} s, {len({t.speaker for t in turns})} speakers, {len(turns)} turns")


if __name__ == "__main__":
    main()
