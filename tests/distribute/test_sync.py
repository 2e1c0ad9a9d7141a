"""Pieces of lamina.distribute that need no second process: chief-only callbacks, sampling to build, chunks."""
import pytest
import torch

import lamina
from lamina import distribute
from lamina.distribute import data, sync
from lamina.training import data as base


def test_file_writers_and_the_progress_bar_run_on_the_chief_only():
    class Chief:
        is_chief = False

    class MyCheckpoint(lamina.callbacks.ModelCheckpoint):
        pass

    kept = [lamina.callbacks.EarlyStopping(), lamina.callbacks.ReduceLROnPlateau(), lamina.callbacks.History()]
    writers = [lamina.callbacks.CSVLogger("log.csv"), MyCheckpoint("m.keras"), lamina.callbacks.ProgbarLogger(),
               lamina.callbacks.BackupAndRestore("backup"), lamina.callbacks.TensorBoard("logs")]
    callbacks, verbose = sync.callbacks_for_rank(Chief(), kept + writers, "auto")
    assert callbacks == kept and verbose == 0
    Chief.is_chief = True
    assert sync.callbacks_for_rank(Chief(), kept + writers, 1) == (kept + writers, 1)


def test_an_unbuilt_model_is_built_from_a_sample_or_the_error_says_how_to_build_it():
    model = lamina.Sequential([lamina.layers.Dense(2), lamina.layers.Dense(1)])
    strategy = distribute.DataParallel()
    arrays = data.ShardedArrayAdapter(base.ArrayAdapter(torch.ones(6, 3), None, None, 2, False), strategy)
    sync._build_from_a_sample(model, arrays)
    assert model.built and model.layers[0].kernel.shape == (3, 2)
    model = lamina.Sequential([lamina.layers.Dense(2)])
    generator = data.RoundRobinAdapter(base.IterableAdapter(iter([]), None, torch.device("cpu")), strategy, True)
    with pytest.raises(ValueError, match=r"Sequential '.*' is not built.*with a RoundRobinAdapter.*model.build"):
        sync._build_from_a_sample(model, generator)


def test_chunks_cover_the_data_in_order():
    assert data.chunk(7, 3) == [(0, 2), (2, 4), (4, 7)]
    assert data.chunk(1, 2) == [(0, 0), (0, 1)]
