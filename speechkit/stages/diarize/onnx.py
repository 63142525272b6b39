"""The diarizer's small torch models run on ONNX Runtime, exported once into speechkit's cache.

On a CPU, ONNX Runtime runs segmentation-3.0 and CAM++ in well under the time eager torch takes
(batch norms folded into the convolutions, fused LSTM kernels). No registry ships these exports,
so the first use exports the packaged weights with ``torch.onnx`` into
``<cache>/onnx/<name>-<digest>.onnx``; the digest covers the checkpoint's bytes and torch's
version, so new weights or a new exporter never reuse a stale file.
"""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path
from typing import Any

import numpy as np


def session_options(threads: int) -> Any:
    """ONNX Runtime options for ``threads`` CPU threads that sleep when idle.

    ONNX Runtime's workers spin while waiting for work by default; on a CPU shared with other jobs
    that burns the cores the other threads need, as OpenMP's busy-waiting does for torch.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


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
    """One ONNX graph with one input and one output, run with as many threads as torch has now.

    The stage sets torch's thread count for its work (``--threads``); sessions are made per count
    on first use, since ONNX Runtime fixes a session's threads when it is created.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sessions: dict[int, Any] = {}
        self._lock = threading.Lock()

    def session(self) -> Any:
        import onnxruntime as ort
        import torch

        threads = torch.get_num_threads()
        with self._lock:
            if threads not in self._sessions:
                self._sessions[threads] = ort.InferenceSession(str(self.path), session_options(threads),
                                                               providers=["CPUExecutionProvider"])
            return self._sessions[threads]

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        session = self.session()
        return session.run(None, {session.get_inputs()[0].name: np.ascontiguousarray(inputs, dtype=np.float32)})[0]
