"""The diarizer's small torch models run on ONNX Runtime, exported once into speechkit's cache.

On one CPU thread ONNX Runtime runs CAM++ about 1.6x faster than eager torch (batch norms folded
into the convolutions); segmentation-3.0 about as fast, but both gain from running several windows
side by side (:meth:`OnnxModel.map`). No registry ships these exports,
so the first use exports the packaged weights with ``torch.onnx`` into
``<cache>/onnx/<name>-<digest>.onnx``; the digest covers the checkpoint's bytes and torch's
version, so new weights or a new exporter never reuse a stale file.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np

from speechkit.runtime.threads import onnxruntime_options


def exported(name: str, checkpoint: Path, module: Any, example: Any, dynamic: dict[int, str]) -> Path:
    """The cached ONNX export of ``module`` (loaded from ``checkpoint``), exported the first time.

    ``example`` is one input; ``dynamic`` names its axes that vary (batch, time).
    """
    import torch

    from speechkit.io import atomic_write_bytes
    from speechkit.models.resolve import cache_root

    digest = hashlib.sha256(checkpoint.read_bytes() + torch.__version__.encode()).hexdigest()[:16]
    path = cache_root() / "onnx" / f"{name}-{digest}.onnx"
    if not path.is_file():
        buffer = io.BytesIO()
        with torch.inference_mode(False), torch.no_grad():
            torch.onnx.export(module, (example,), buffer, input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": dynamic}, opset_version=17, dynamo=False)
        atomic_write_bytes(path, buffer.getvalue())
    return path


class OnnxModel:
    """One ONNX graph with one input and one output, run on as many inputs at once as torch has threads.

    The stage sets torch's thread count for its work (``--threads``). Small inputs (one window, one
    speaker) keep a second intra-op thread mostly idle, so each run gets one thread and
    :meth:`map` runs that many inputs side by side instead (ONNX Runtime runs a session from
    several threads at once): the same numbers whatever the thread count, and no core left waiting.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._session: Any = None
        self._lock = threading.Lock()

    def session(self) -> Any:
        import onnxruntime as ort

        with self._lock:
            if self._session is None:
                self._session = ort.InferenceSession(str(self.path), onnxruntime_options(1),
                                                     providers=["CPUExecutionProvider"])
            return self._session

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        session = self.session()
        return session.run(None, {session.get_inputs()[0].name: np.ascontiguousarray(inputs, dtype=np.float32)})[0]

    def map(self, inputs: list[np.ndarray], done: Callable[[int], None] | None = None) -> list[np.ndarray]:
        """Outputs of ``inputs`` in order, run on ``torch.get_num_threads()`` threads; ``done(count)`` after each."""
        import torch
        from concurrent.futures import ThreadPoolExecutor

        workers = min(torch.get_num_threads(), len(inputs))
        with ThreadPoolExecutor(workers) if workers > 1 else nullcontext() as pool:
            outputs = []
            for output in pool.map(self, inputs) if pool else map(self, inputs):
                outputs.append(output)
                if done is not None:
                    done(len(outputs))
        return outputs

    def batched(self, batch: np.ndarray) -> np.ndarray:
        """A batch split across :meth:`map`'s threads and joined again (same output as one run)."""
        import torch

        parts = np.array_split(batch, max(1, min(torch.get_num_threads(), len(batch))))
        return np.concatenate(self.map([p for p in parts if len(p)]))
