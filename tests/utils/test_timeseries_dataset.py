"""timeseries_dataset_from_array against Keras 3's own code (its grain path, see keras_grain_stub) and its docs."""
import numpy as np
import pytest
import torch

from keras_grain_stub import install
from lamina.utils import BatchDataset, timeseries_dataset_from_array


def _keras_batches(keras, monkeypatch, *args, **kwargs):
    install(monkeypatch)
    batches = []
    for batch in keras.utils.timeseries_dataset_from_array(*args, format="grain", **kwargs):
        if isinstance(batch, tuple):
            batches.append(tuple(keras.ops.convert_to_numpy(part) for part in batch))
        else:
            batches.append(keras.ops.convert_to_numpy(batch))
    return batches


def _lamina_batches(*args, **kwargs):
    ds = timeseries_dataset_from_array(*args, **kwargs)
    assert isinstance(ds, BatchDataset)
    return [ds[i] for i in range(len(ds))]


CASES = [
    dict(sequence_length=10, sampling_rate=2, sequence_stride=3, batch_size=7),
    dict(sequence_length=5, batch_size=16),
    dict(sequence_length=4, sequence_stride=2, start_index=10, end_index=80, batch_size=9),
    dict(sequence_length=3, sampling_rate=4, start_index=5, batch_size=128),
    dict(sequence_length=6, sequence_stride=5, shuffle=True, seed=7, batch_size=4),
    dict(sequence_length=2, batch_size=None),
]


@pytest.mark.parametrize("with_targets", [True, False])
@pytest.mark.parametrize("kwargs", CASES)
def test_matches_keras_batch_for_batch(keras, monkeypatch, kwargs, with_targets):
    """With shuffle=True this compares the seeded permutation of windows (grain's own extra shuffle is stubbed)."""
    data = np.random.RandomState(0).rand(99, 3).astype("float32")
    targets = np.arange(99) * 2 if with_targets else None
    ours = _lamina_batches(data, targets, **kwargs)
    theirs = _keras_batches(keras, monkeypatch, data, targets, **kwargs)
    assert len(ours) == len(theirs)
    for got, expected in zip(ours, theirs):
        got, expected = (got, expected) if with_targets else ((got,), (expected,))
        for part, reference in zip(got, expected):
            assert part.dtype == reference.dtype
            np.testing.assert_array_equal(part, reference)


def test_documented_examples():
    # Example 1: indices 0..98, length 10, sampling_rate 2, stride 3
    ds = timeseries_dataset_from_array(np.arange(99), None, sequence_length=10, sampling_rate=2, sequence_stride=3)
    windows = np.concatenate([ds[i] for i in range(len(ds))])
    assert windows[0].tolist() == list(range(0, 20, 2))
    assert windows[1].tolist() == list(range(3, 23, 2))
    assert windows[-1].tolist() == list(range(78, 98, 2))
    # Example 2: the past 10 steps predict the next one
    data = np.random.rand(50)
    inputs, targets = timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10)[0]
    np.testing.assert_array_equal(inputs[0], data[:10])
    assert targets[0] == data[10]
    # Example 3: non-overlapping windows of inputs and targets
    x = np.arange(100)
    xs = timeseries_dataset_from_array(x, None, sequence_length=20, sequence_stride=20)[0]
    ys = timeseries_dataset_from_array(x * 2, None, sequence_length=20, sequence_stride=20)[0]
    np.testing.assert_array_equal(xs[0], x[:20])
    np.testing.assert_array_equal(ys[1], 2 * x[20:40])


def test_torch_input_shuffle_epochs_and_dataset_methods():
    data = torch.arange(40, dtype=torch.float32).reshape(20, 2)
    ds = timeseries_dataset_from_array(data, torch.arange(20), sequence_length=3, batch_size=4, shuffle=True,
                                       seed=1)
    x, y = ds[0]
    assert isinstance(x, torch.Tensor) and x.shape == (4, 3, 2) and x.dtype == torch.float32
    torch.testing.assert_close(x[:, 0, 0] / 2, y.float())  # each target belongs to its window's first step
    first = np.concatenate([ds[i][1].numpy() for i in range(len(ds))])
    assert sorted(first.tolist()) == list(range(18))
    ds.on_epoch_end()
    second = np.concatenate([ds[i][1].numpy() for i in range(len(ds))])
    assert sorted(second.tolist()) == list(range(18)) and second.tolist() != first.tolist()
    again = timeseries_dataset_from_array(data, torch.arange(20), sequence_length=3, batch_size=4, shuffle=True,
                                          seed=1)
    assert np.concatenate([again[i][1].numpy() for i in range(len(again))]).tolist() == first.tolist()
    assert len(ds.take(2)) == 2 and ds[-1][0].shape[0] == 2  # 18 windows: 4 batches of 4, then 2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sequence_length=0), "sequence_length must be a positive integer; received sequence_length=0"),
        (dict(sequence_length=2, sampling_rate=10), "sampling_rate must be lower than the length of the data"),
        (dict(sequence_length=2, sequence_stride=10), "sequence_stride must be lower than the length"),
        (dict(sequence_length=2, start_index=10), "start_index must be in \\[0, 10\\)"),
        (dict(sequence_length=2, start_index=4, end_index=3), "end_index must be greater than start_index \\(4\\)"),
        (dict(sequence_length=2, end_index=10), "lower than the length of the data \\(10\\)"),
        (dict(sequence_length=2, batch_size=0), "batch_size must be a positive integer"),
        (dict(sequence_length=2, format="xla"), "unknown format='xla'"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        timeseries_dataset_from_array(np.arange(10), None, **kwargs)
