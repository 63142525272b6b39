"""``speechkit batch``: a config's pipeline over many inputs, on this machine or across a Ray cluster.

Each input is one job of :mod:`speechkit.pipeline.runner` (the same documents and manifests as
``speechkit run``, so a rerun skips finished work); the engine decides where its stages run.
"""

from speechkit.batch.engine import BatchRun, run_batch
from speechkit.batch.job import InputResult

__all__ = ["BatchRun", "InputResult", "run_batch"]
