"""DataParallel outside torchrun, its argument checks, the environment it reads, scope() and set_distribution."""
import pytest

import lamina
from lamina import distribute
from lamina.distribute.environment import read_environment

FULL = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500", "RANK": "1", "WORLD_SIZE": "2"}


def test_partial_environment_names_the_missing_variables():
    with pytest.raises(RuntimeError, match=r"MASTER_ADDR, WORLD_SIZE are not set \(found MASTER_PORT, RANK\)"):
        read_environment({"MASTER_PORT": "29500", "RANK": "0"})


def test_environment_values_are_checked():
    assert read_environment(FULL) == (1, 2, 1)
    assert read_environment({**FULL, "LOCAL_RANK": "0"}) == (1, 2, 0)
    with pytest.raises(RuntimeError, match="RANK must be in"):
        read_environment({**FULL, "RANK": "2"})
    with pytest.raises(RuntimeError, match="WORLD_SIZE must be an integer; received WORLD_SIZE='two'"):
        read_environment({**FULL, "WORLD_SIZE": "two"})


def test_data_parallel_in_a_partial_torchrun_environment_raises(monkeypatch):
    for name in ("MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RANK", "0")
    with pytest.raises(RuntimeError, match="MASTER_ADDR, MASTER_PORT, WORLD_SIZE are not set"):
        distribute.DataParallel()


def test_unreachable_master_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", "1")  # nobody listens there, and rank 1 does not start a store
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(RuntimeError, match=r"cannot initialise the gloo process group at "
                                           r"MASTER_ADDR:MASTER_PORT=127.0.0.1:1 as rank 1 of WORLD_SIZE=2"):
        distribute.DataParallel(backend="gloo", timeout=1)


def test_single_process_is_one_replica(monkeypatch):
    for name in ("MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    strategy = distribute.MirroredStrategy()
    assert (strategy.rank, strategy.world_size, strategy.num_replicas_in_sync, strategy.is_chief) == (0, 1, 1, True)
    assert isinstance(distribute.MultiWorkerMirroredStrategy(), distribute.DataParallel)


def test_arguments_are_checked():
    with pytest.raises(ValueError, match=r"devices=\['/gpu:0'\] is not supported: lamina runs one process per"):
        distribute.DataParallel(devices=["/gpu:0"])
    with pytest.raises(ValueError, match="backend must be 'gloo', 'nccl' or None; received backend='mpi'"):
        distribute.DataParallel(backend="mpi")
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['replicas'\]"):
        distribute.DataParallel(replicas=2)
    with pytest.raises(TypeError, match="expected a lamina.distribute.DataParallel .* received str"):
        distribute.set_distribution("mirrored")


def test_scope_and_set_distribution_are_what_compile_records():
    strategy = distribute.DataParallel()
    assert distribute.distribution() is None
    with strategy.scope():
        assert distribute.distribution() is strategy
        model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(2,))])
        model.compile(optimizer="sgd", loss="mse")
    assert distribute.distribution() is None
    distribute.set_distribution(strategy)
    try:
        assert distribute.distribution() is strategy
    finally:
        distribute.set_distribution(None)


def test_tf_distribute_names():
    import lamina.compat.tensorflow as tf

    assert tf.distribute.MirroredStrategy is distribute.MirroredStrategy
    assert not tf.distribute.has_strategy()
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        assert tf.distribute.has_strategy() and tf.distribute.get_strategy() is strategy
    with pytest.raises(AttributeError, match="tf.distribute.TPUStrategy is not part of lamina's TensorFlow subset"):
        tf.distribute.TPUStrategy
