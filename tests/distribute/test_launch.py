"""launch(): a process group of local processes, results in rank order, failures reported with their traceback."""
import pytest

from lamina import distribute

import distribute_workers


def test_processes_form_a_group_and_results_come_in_rank_order():
    assert distribute.launch(distribute_workers.where_am_i, nprocs=2, timeout=120) == [
        (0, 2, True, "0", 3.0), (1, 2, False, "1", 3.0)]


def test_a_failing_process_is_reported_with_its_traceback():
    with pytest.raises(RuntimeError, match=r"(?s)launch: process 1 of 2 failed:.*ValueError: rank one cannot go on"):
        distribute.launch(distribute_workers.fail_on_rank_one, nprocs=2, timeout=120)


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="nprocs must be a positive int; received nprocs=0"):
        distribute.launch(distribute_workers.where_am_i, nprocs=0)
    with pytest.raises(TypeError, match="fn must be a function; received str"):
        distribute.launch("train.py", nprocs=2)


def test_fit_warns_when_the_model_was_compiled_without_the_strategy():
    for messages in distribute.launch(distribute_workers.fit_compiled_outside, nprocs=2, timeout=120):
        assert any("compiled without a lamina.distribute.DataParallel, so every process trains on its own" in m
                   for m in messages), messages
