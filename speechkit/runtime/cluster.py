"""Connecting to Ray: an existing cluster (``--address``) or a private one started for this process.

Ray is imported only here and in the engines that use it, so the rest of speechkit never pays
its import. Workers must see the same speechkit, its weights and the output folder (a shared
file system on a real cluster); only paths and small documents go through Ray.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from speechkit.errors import SpeechkitError
from speechkit.extras import require


ENGINES = ("local", "ray")
"""Where ``batch`` and ``stress`` run their work: processes on this machine, or Ray actors."""


class ClusterError(SpeechkitError):
    """Ray is missing, or the cluster at ``--address`` cannot be reached."""


def ray_module() -> Any:
    require_ray()
    import ray

    return ray


def require_ray() -> None:
    """Fail at once, naming the extra, when Ray is not installed: before any input is touched."""
    require("--engine ray", ["ray"])


def connect(address: str | None) -> Any:
    """Ray, connected: to ``address`` (``HOST:PORT`` of a running head, or ``auto``), else to a new local
    cluster using this machine's cores; the second call in a process reuses the connection."""
    if address:
        send_token_if_any()  # before Ray is imported: it reads its settings once, at import
    ray = ray_module()
    if ray.is_initialized():
        return ray
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
        hint = (" (a cluster with token authentication needs its token here: RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH "
                "or ~/.ray/auth_token)") if address else ""
        raise ClusterError(f"cannot start or reach {where}: {str(exc).splitlines()[0]}{hint}") from None
    return ray


def send_token_if_any() -> None:
    """Join with token authentication when a token is at hand, as ``ray start`` decides for the head.

    ``ray start`` turns token authentication on whenever it finds a token, but a joining driver sends
    one only with ``RAY_AUTH_MODE=token``; a cluster without authentication accepts a token too.
    """
    if "RAY_AUTH_MODE" in os.environ:
        return
    token_file = Path(os.environ.get("RAY_AUTH_TOKEN_PATH") or Path.home() / ".ray" / "auth_token")
    if os.environ.get("RAY_AUTH_TOKEN") or token_file.is_file():
        os.environ["RAY_AUTH_MODE"] = "token"


def actor_options(cpus: float, gpus: float) -> dict[str, Any]:
    """Resources per actor, and Ray's fault handling: a killed actor is restarted and its call retried."""
    return {"num_cpus": cpus, "num_gpus": gpus, "max_restarts": 3, "max_task_retries": 2}
