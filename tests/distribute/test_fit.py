"""fit / evaluate / predict on 2 processes (gloo, CPU) against the same programs run in one process."""
import numpy as np
import pytest

from lamina import distribute

import distribute_workers

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    single = distribute_workers.run_single(str(tmp_path_factory.mktemp("single")))
    ranks = distribute.launch(distribute_workers.run_distributed, nprocs=2,
                              args=(str(tmp_path_factory.mktemp("distributed")),), timeout=120)
    return single, ranks


def _close(a, b, rtol=1e-4, atol=1e-5):
    for left, right in zip(a, b, strict=True):
        np.testing.assert_allclose(left, right, rtol=rtol, atol=atol)


@pytest.mark.parametrize("program", ["arrays", "pydataset", "torch_dataset", "generator", "batch_norm",
                                     "built_lazily"])
def test_weights_are_identical_on_every_rank(runs, program):
    _, (rank0, rank1) = runs
    for left, right in zip(rank0[program]["weights"], rank1[program]["weights"], strict=True):
        np.testing.assert_array_equal(left, right)


@pytest.mark.parametrize("program", ["arrays", "pydataset", "torch_dataset", "generator"])
def test_fit_equals_one_process_with_the_same_global_batch(runs, program):
    single, (rank0, rank1) = runs
    _close(rank0[program]["weights"], single[program]["weights"])
    assert rank0[program]["history"].keys() == single[program]["history"].keys()
    for key, values in single[program]["history"].items():
        np.testing.assert_allclose(rank0[program]["history"][key], values, rtol=1e-4, err_msg=key)
        assert rank1[program]["history"][key] == rank0[program]["history"][key]  # the logs are the same everywhere


def test_early_stopping_decides_the_same_everywhere(runs):
    single, (rank0, rank1) = runs
    assert len(single["arrays"]["history"]["loss"]) == len(rank0["arrays"]["history"]["loss"]) \
        == len(rank1["arrays"]["history"]["loss"]) == 2  # min_delta=10 stops it after the patience of 0 epochs


def test_evaluate_and_predict_equal_one_process(runs):
    single, (rank0, rank1) = runs
    np.testing.assert_allclose(rank0["arrays"]["evaluate"], single["arrays"]["evaluate"], rtol=1e-4)
    assert rank1["arrays"]["evaluate"] == rank0["arrays"]["evaluate"]
    for key, value in single["generator"]["evaluate"].items():  # a PyDataset: every other batch on each rank
        assert rank0["generator"]["evaluate"][key] == rank1["generator"]["evaluate"][key]
        np.testing.assert_allclose(rank0["generator"]["evaluate"][key], value, rtol=1e-4)
    for program in ("arrays", "pydataset", "torch_dataset", "generator"):
        assert rank0[program]["predict"].shape == single[program]["predict"].shape
        np.testing.assert_allclose(rank0[program]["predict"], single[program]["predict"], rtol=1e-4, atol=1e-5)
        np.testing.assert_array_equal(rank1[program]["predict"], rank0[program]["predict"])


def test_only_the_chief_writes_files(runs):
    single, (rank0, rank1) = runs
    assert rank0["arrays"]["files"] == single["arrays"]["files"] == ["log.csv", "model.keras"]
    assert rank1["arrays"]["files"] == []


def test_torch_optimizers_and_train_step_overrides_average_the_gradients(runs):
    single, (rank0, rank1) = runs
    for program in ("torch_optim", "train_step"):
        for left, right in zip(rank0[program]["weights"], rank1[program]["weights"], strict=True):
            np.testing.assert_array_equal(left, right)
        _close(rank0[program]["weights"], single[program]["weights"])
    np.testing.assert_allclose(rank0["torch_optim"]["history"]["loss"], single["torch_optim"]["history"]["loss"],
                               rtol=1e-4)


@pytest.mark.slow
def test_the_compiled_step_averages_the_gradients_too():
    single = distribute_workers.run_compiled(None)
    ranks = distribute.launch(distribute_workers.run_compiled, nprocs=2, args=("distributed",), timeout=300)
    for result in ranks:
        assert result["failure"] is None and result["compile_seconds"] > 0  # it really ran compiled
        _close(result["weights"], single["weights"])
        np.testing.assert_allclose(result["history"]["loss"], single["history"]["loss"], rtol=1e-4)
    for left, right in zip(ranks[0]["weights"], ranks[1]["weights"], strict=True):
        np.testing.assert_array_equal(left, right)


def test_a_run_resumed_from_the_chief_s_backup_continues_on_every_rank(tmp_path):
    single_history, single_weights = distribute_workers.run_resumed(None)
    ranks = distribute.launch(distribute_workers.run_resumed, nprocs=2, args=(str(tmp_path),), timeout=120)
    for history, weights in ranks:
        assert len(history["loss"]) == 2  # epochs 3 and 4: both ranks resumed where the chief's backup said
        np.testing.assert_allclose(history["loss"], single_history["loss"][2:], rtol=1e-4)
        _close(weights, single_weights)
    for left, right in zip(ranks[0][1], ranks[1][1], strict=True):
        np.testing.assert_array_equal(left, right)
