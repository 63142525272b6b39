"""The stress test's outputs: results JSON, a markdown table and a PNG of WER against each swept level.

Per model, condition, level and seed the inputs are pooled into one corpus WER (all errors over all
reference words, as the Whisper paper reports); the table and plot show the mean and standard
deviation of that over seeds, so the spread is the noise draw's, not the files' difficulty.
"""

from __future__ import annotations

import io
import json
import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from speechkit.io import atomic_write_bytes, atomic_write_text
from speechkit.stress.config import StressConfig
from speechkit.stress.grid import BASELINE

SNR = "snr_db"
AXIS_LABELS = {SNR: "SNR (dB)", "target_rt60": "RT60 (s)", "time_masks": "time masks per 30 s"}


def _corpus_wer(results: Sequence[dict[str, Any]]) -> float:
    errors = sum(r["substitutions"] + r["deletions"] + r["insertions"] for r in results)
    return errors / max(1, sum(r["reference_words"] for r in results))


Groups = dict[tuple[str, str, float | None], dict[int | None, list[dict[str, Any]]]]


def _by_seed(results: Sequence[dict[str, Any]]) -> Groups:
    """(model, condition, level) -> seed -> that seed's cells (one per input), in the order first met."""
    groups: Groups = defaultdict(lambda: defaultdict(list))
    for r in results:
        cell = r["cell"]
        groups[(cell["model"], cell["condition"], cell["level"])][cell["seed"]].append(r)
    return groups


def summarize(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per model, condition and level (in the order first met): corpus WER mean/std over seeds."""
    rows = []
    for (model, condition, level), by_seed in _by_seed(results).items():
        wers = np.array([_corpus_wer(rs) for rs in by_seed.values()])
        cers = np.array([np.mean([r["cer"] for r in rs]) for rs in by_seed.values()])
        snrs = [r["measured_snr_db"] for rs in by_seed.values() for r in rs if r.get("measured_snr_db") is not None]
        rows.append({
            "model": model, "condition": condition, "level": level,
            "seeds": len(by_seed), "cells": sum(len(rs) for rs in by_seed.values()),
            "reference_words": max(sum(r["reference_words"] for r in rs) for rs in by_seed.values()),
            "wer_mean": float(wers.mean()), "wer_std": float(wers.std(ddof=1)) if len(wers) > 1 else 0.0,
            "cer_mean": float(cers.mean()),
            "measured_snr_db": float(np.mean(snrs)) if snrs else None,
            "measured_snr_max_error_db": float(np.max(np.abs(np.array(snrs) - level))) if snrs and level is not None else None,
        })
    return rows


def compare(results: Sequence[dict[str, Any]], first: str, second: str) -> list[dict[str, Any]]:
    """``second`` against ``first`` on the same noise draws: per condition and level, the per-seed
    difference of corpus WER (mean and standard error) and how many seeds each model wins.

    Pairing by seed removes the draw-to-draw spread that dominates mean ± std on a small corpus,
    so a real difference between models shows even when their error bars overlap.
    """
    groups = _by_seed(results)
    rows = []
    for (model, condition, level), firsts in groups.items():
        if model != first:
            continue
        seconds = groups.get((second, condition, level), {})
        seeds = [seed for seed in firsts if seed in seconds]
        if not seeds:
            continue
        diff = np.array([_corpus_wer(seconds[seed]) - _corpus_wer(firsts[seed]) for seed in seeds])
        rows.append({"condition": condition, "level": level, "seeds": len(seeds), "first": first, "second": second,
                     "difference_mean": float(diff.mean()),
                     "difference_se": float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else None,
                     "second_better": int((diff < 0).sum()), "second_worse": int((diff > 0).sum()),
                     "ties": int((diff == 0).sum())})
    return rows


def monotonic(rows: Sequence[dict[str, Any]], model: str, condition: str) -> bool | None:
    """Whether WER never falls as SNR falls, within noise; None for fewer than two levels.

    Noise is both levels' spread over seeds plus one word of the pooled reference: WER moves in
    steps of one word, and a few seeds can agree by chance (a spread of 0), so a one-word flip
    between neighbouring levels is not evidence of a reversal.
    """
    curve = sorted((r["level"], r["wer_mean"], r["wer_std"], r["reference_words"]) for r in rows
                   if r["model"] == model and r["condition"] == condition)
    if len(curve) < 2:
        return None
    # ascending SNR: each cleaner level's WER must not exceed the harsher one's beyond the noise
    return all(clean[1] <= harsh[1] + harsh[2] + clean[2] + 1 / max(1, clean[3]) + 1e-9
               for harsh, clean in zip(curve, curve[1:]))


def _pct(mean: float, std: float | None = None) -> str:
    return f"{100 * mean:.1f}" if std is None else f"{100 * mean:.1f} ± {100 * std:.1f}"


def markdown(config: StressConfig, rows: Sequence[dict[str, Any]], inputs: Sequence[dict[str, Any]],
             missing: int, comparisons: Sequence[dict[str, Any]] = ()) -> str:
    models = list(dict.fromkeys(r["model"] for r in rows)) or list(config.models)
    by = {(r["model"], r["condition"], r["level"]): r for r in rows}
    lines = [
        "# ASR stress test",
        "",
        f"Inputs: {', '.join(i['name'] for i in inputs)}. Models: {', '.join(models)}. Seeds: "
        f"{', '.join(map(str, config.seeds))}. Backend: {config.backend} {json.dumps(config.transcribe)}.",
        "",
        "WER in %, Whisper-normalised: corpus WER over all inputs per seed, mean ± std over seeds.",
    ]
    if missing:
        lines += ["", f"**Incomplete: {missing} cell(s) not finished yet** (run again, or the other shards)."]
    if config.baseline:
        lines += ["", f"## {BASELINE}", "", "| " + " | ".join(models) + " |", "|" + "---:|" * len(models),
                  "| " + " | ".join(_pct(by[(m, BASELINE, None)]["wer_mean"]) if (m, BASELINE, None) in by else "–"
                                    for m in models) + " |"]
    for condition in config.conditions:
        snr = condition.vary == SNR
        header = [condition.vary, *(["measured SNR (dB)"] if snr else []), *(f"{m} WER %" for m in models)]
        lines += ["", f"## {condition.name}: {condition.vary}", ""]
        if condition.description:
            lines += [condition.description, ""]
        lines += ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
        for level in condition.levels:
            found = [by.get((m, condition.name, level)) for m in models]
            measured = [r["measured_snr_db"] for r in found if r and r["measured_snr_db"] is not None]
            cells = [f"{level:g}", *([f"{np.mean(measured):.2f}" if measured else "–"] if snr else []),
                     *(_pct(r["wer_mean"], r["wer_std"]) if r else "–" for r in found)]
            lines.append("| " + " | ".join(cells) + " |")
        if snr:
            verdicts = [f"{m}: {'yes' if monotonic(rows, m, condition.name) else 'no'}" for m in models
                        if monotonic(rows, m, condition.name) is not None]
            if verdicts:
                lines += ["", f"WER rises monotonically as SNR falls (within the seeds' spread plus one word): "
                              f"{', '.join(verdicts)}."]
    return "\n".join(lines + _comparison_lines(comparisons)) + "\n"


def _comparison_lines(comparisons: Sequence[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for second in dict.fromkeys(c["second"] for c in comparisons):
        rows = [c for c in comparisons if c["second"] == second]
        first = rows[0]["first"]
        lines += ["", f"## {second} against {first}, paired by seed", "",
                  f"Per-seed difference of corpus WER ({second} − {first}, percentage points; negative: {second} "
                  "is better), mean ± standard error, and the seeds each model wins.", "",
                  f"| condition | level | difference (pp) | {second} better | {first} better | ties |",
                  "|---|---:|---:|---:|---:|---:|"]
        for c in rows:
            level = "–" if c["level"] is None else f"{c['level']:g}"
            se = "" if c["difference_se"] is None else f" ± {100 * c['difference_se']:.1f}"
            lines.append(f"| {c['condition']} | {level} | {100 * c['difference_mean']:+.1f}{se} | "
                         f"{c['second_better']} | {c['second_worse']} | {c['ties']} |")
    return lines


def plot(config: StressConfig, rows: Sequence[dict[str, Any]], path: Path) -> Path:
    """One panel per condition, WER against the swept level, a line (with ±std bars) per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    conditions = config.conditions
    columns = min(3, len(conditions))
    n_rows = -(-len(conditions) // columns)
    fig, axes = plt.subplots(n_rows, columns, figsize=(5.2 * columns, 4.2 * n_rows), squeeze=False)
    models = list(dict.fromkeys(r["model"] for r in rows))
    colors = {m: f"C{i}" for i, m in enumerate(models)}
    for ax, condition in zip(axes.flat, conditions):
        for model in models:
            curve = [r for r in rows if r["model"] == model and r["condition"] == condition.name]
            curve.sort(key=lambda r: r["level"])
            if curve:
                ax.errorbar([r["level"] for r in curve], [100 * r["wer_mean"] for r in curve],
                            yerr=[100 * r["wer_std"] for r in curve], marker="o", capsize=3,
                            color=colors[model], label=model)
            clean = [r for r in rows if r["model"] == model and r["condition"] == BASELINE]
            if clean:
                ax.axhline(100 * clean[0]["wer_mean"], color=colors[model], linestyle=":", linewidth=1,
                           label=f"{model} ({BASELINE})")
        if condition.vary == SNR:
            ax.invert_xaxis()  # harsher to the right, as in the Whisper paper's noise figure
        ax.set_xlabel(AXIS_LABELS.get(condition.vary, condition.vary))
        ax.set_ylabel("WER (%)")
        ax.set_ylim(bottom=0)
        ax.set_title(condition.name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    for ax in list(axes.flat)[len(conditions):]:
        ax.set_visible(False)
    fig.suptitle(f"WER under degradation ({len(config.seeds)} seed(s); mean ± std)")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return atomic_write_bytes(path, buffer.getvalue())


def _portable(value: Any, base: Path) -> Any:
    """File paths made relative to the results' folder, so a committed or copied result names no machine."""
    if isinstance(value, dict):
        return {k: os.path.relpath(v, base) if k in ("audio", "model_path") and isinstance(v, str) and os.path.isabs(v)
                else _portable(v, base) for k, v in value.items()}
    return value


def write_report(output_dir: Path, config: StressConfig, inputs: Sequence[dict[str, Any]],
                 results: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]], missing: int) -> dict[str, Path]:
    paths = {"results": output_dir / "results.json", "table": output_dir / "table.md", "plot": output_dir / "wer_vs_snr.png"}
    models = list(dict.fromkeys(r["model"] for r in rows))
    comparisons = [row for other in models[1:] for row in compare(results, models[0], other)]
    payload = {"config": config.model_dump(), "inputs": [_portable(i, output_dir) for i in inputs],
               "missing_cells": missing, "summary": rows, "comparison": comparisons,
               "cells": [_portable(r, output_dir) for r in results]}
    atomic_write_text(paths["results"], json.dumps(payload, indent=1) + "\n")
    atomic_write_text(paths["table"], markdown(config, rows, inputs, missing, comparisons))
    plot(config, rows, paths["plot"])
    return paths
