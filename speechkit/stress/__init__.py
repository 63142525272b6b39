"""ASR stress tests: WER/CER against degradation levels, per model, cached per cell, shardable.

Public API::

    from speechkit.stress import load_config, make_input, run_stress
    run = run_stress("configs/stress-test.yaml",
                     [make_input("talk.wav", "reference.txt")],   # or the config's `inputs`
                     output_dir="stress", workers=2)              # shard_of=(i, n) for one shard
    run.paths  # results.json, table.md, wer_vs_snr.png

For many files on a cluster, hand the cells to the engine and report once at the end::

    from speechkit.stress import plan, run_cell
    cells = plan(load_config(path), inputs)                   # or `speechkit stress ... --list-cells`
    futures = [client.submit(run_cell, c.as_dict(), "/shared/stress") for c in cells]   # Dask
    # Ray: ray.get([ray.remote(run_cell).remote(c.as_dict(), "/shared/stress") for c in cells])
    run_stress(path, inputs, "/shared/stress")                # everything cached: just the report
"""

from speechkit.stress.config import Condition, StressConfig, StressConfigError, load_config, parse_config
from speechkit.stress.grid import Cell, StressInput, make_input, plan
from speechkit.stress.runner import StressRun, run_stress
from speechkit.stress.worker import run_cell

__all__ = ["Cell", "Condition", "StressConfig", "StressConfigError", "StressInput", "StressRun", "load_config",
           "make_input", "parse_config", "plan", "run_cell", "run_stress"]
