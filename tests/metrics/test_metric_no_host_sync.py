"""Accumulating a metric (and computing a loss) never reads a tensor value back to Python.

Two independent checks: (1) every Python-level way of reading a tensor's value
(``item``, ``__bool__``, ``__float__``, ``tolist``, ``numpy``, ``torch.equal``, ``nonzero``...)
is patched to count calls during ``update_state``; (2) the same updates run on PyTorch's
``meta`` device, where tensors have no data at all, so any read, data-dependent shape
(boolean indexing) or hidden sync inside an operator raises.
"""
import numpy as np
import pytest
import torch

from lamina import losses, metrics
from lamina.core import config

N, K = 8, 4

_VALUE_READERS = ["item", "tolist", "numpy", "__bool__", "__float__", "__int__", "__index__", "__array__", "nonzero"]
_FUNCTION_READERS = ["equal", "allclose", "nonzero", "masked_select", "unique", "is_nonzero"]


@pytest.fixture
def count_value_reads(monkeypatch):
    calls = []

    def spy(owner, name):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            calls.append(name)
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)

    for name in _VALUE_READERS:
        spy(torch.Tensor, name)
    for name in _FUNCTION_READERS:
        spy(torch, name)
    return calls


def _inputs(device="cpu"):
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(K), size=N).astype("float32")
    labels = rng.integers(0, K, N)
    data = {
        "probs": probs,
        "probs1": probs[:, :1].copy(),
        "onehot": np.eye(K, dtype="float32")[labels],
        "labels": labels,
        "bin": (rng.random((N, 1)) > 0.5).astype("float32"),
        "reg": rng.normal(size=(N, K)).astype("float32"),
        "weights": rng.uniform(0, 2, size=(N,)).astype("float32"),
    }
    return {key: torch.as_tensor(value).to(device) for key, value in data.items()}


METRICS = [
    (lambda: metrics.Mean(), ("reg",)),
    (lambda: metrics.Sum(), ("reg",)),
    (lambda: metrics.Accuracy(), ("bin", "bin")),
    (lambda: metrics.BinaryAccuracy(), ("bin", "probs1")),
    (lambda: metrics.CategoricalAccuracy(), ("onehot", "probs")),
    (lambda: metrics.SparseCategoricalAccuracy(), ("labels", "probs")),
    (lambda: metrics.TopKCategoricalAccuracy(k=2), ("onehot", "probs")),
    (lambda: metrics.SparseTopKCategoricalAccuracy(k=2), ("labels", "probs")),
    (lambda: metrics.MeanSquaredError(), ("reg", "probs")),
    (lambda: metrics.MeanAbsoluteError(), ("reg", "probs")),
    (lambda: metrics.RootMeanSquaredError(), ("reg", "probs")),
    (lambda: metrics.MeanAbsolutePercentageError(), ("reg", "probs")),
    (lambda: metrics.MeanSquaredLogarithmicError(), ("probs", "probs")),
    (lambda: metrics.CosineSimilarity(), ("reg", "probs")),
    (lambda: metrics.LogCoshError(), ("reg", "probs")),
    (lambda: metrics.R2Score(), ("reg", "probs")),
    (lambda: metrics.BinaryCrossentropy(), ("bin", "probs1")),
    (lambda: metrics.CategoricalCrossentropy(), ("onehot", "probs")),
    (lambda: metrics.SparseCategoricalCrossentropy(), ("labels", "probs")),
    (lambda: metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0), ("labels", "reg")),
    (lambda: metrics.KLDivergence(), ("onehot", "probs")),
    (lambda: metrics.Poisson(), ("probs", "probs")),
    (lambda: metrics.Hinge(), ("bin", "probs1")),
    (lambda: metrics.SquaredHinge(), ("bin", "probs1")),
    (lambda: metrics.CategoricalHinge(), ("onehot", "probs")),
    (lambda: metrics.TruePositives(), ("bin", "probs1")),
    (lambda: metrics.Precision(), ("bin", "probs1")),
    (lambda: metrics.Precision(thresholds=[0.0, 0.5, 1.0]), ("bin", "probs1")),
    (lambda: metrics.Recall(top_k=2, class_id=1), ("onehot", "probs")),
    (lambda: metrics.AUC(), ("bin", "probs1")),
    (lambda: metrics.AUC(curve="PR", thresholds=[0.1, 0.4]), ("bin", "probs1")),
    (lambda: metrics.AUC(multi_label=True, num_labels=K), ("onehot", "probs")),
    (lambda: metrics.resolve_metric("accuracy", "categorical_crossentropy", (N, K), (N, K)), ("onehot", "probs")),
]


def _update(metric, data, keys, weighted):
    args = [data[key] for key in keys]
    metric.update_state(*args, sample_weight=data["weights"] if weighted else None)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("make,keys", METRICS, ids=[str(i) for i in range(len(METRICS))])
def test_update_state_reads_no_tensor_value(count_value_reads, make, keys, weighted):
    data = _inputs()
    metric = make()
    _update(metric, data, keys, weighted)  # the first call may build state
    count_value_reads.clear()
    for _ in range(3):
        _update(metric, data, keys, weighted)
        metric.result()
    assert count_value_reads == [], f"{type(metric).__name__} read tensor values: {count_value_reads}"


@pytest.fixture
def on_meta_device():
    previous = config.device()
    config.set_device("meta")
    yield torch.device("meta")
    config.set_device(previous)


@pytest.mark.parametrize("make,keys", METRICS, ids=[str(i) for i in range(len(METRICS))])
def test_update_state_runs_on_tensors_without_data(on_meta_device, make, keys):
    data = _inputs(on_meta_device)
    metric = make()
    for weighted in (False, True):
        _update(metric, data, keys, weighted)
    assert all(v.device.type == "meta" for v in metric.variables)
    assert metric.result().device.type == "meta"


LOSSES = [
    (losses.MeanSquaredError(), ("reg", "probs")),
    (losses.BinaryCrossentropy(), ("bin", "probs1")),
    (losses.CategoricalCrossentropy(label_smoothing=0.1), ("onehot", "probs")),
    (losses.SparseCategoricalCrossentropy(from_logits=True), ("labels", "reg")),
    (losses.SparseCategoricalCrossentropy(ignore_class=1), ("labels", "probs")),
    (losses.Hinge(), ("bin", "probs1")),
    (losses.Huber(), ("reg", "probs")),
]


@pytest.mark.parametrize("loss,keys", LOSSES, ids=[type(loss).__name__ for loss, _ in LOSSES])
def test_losses_read_no_tensor_value(count_value_reads, loss, keys):
    data = _inputs()
    loss(data[keys[0]], data[keys[1]], sample_weight=data["weights"])
    assert count_value_reads == [], f"{loss.name} read tensor values: {count_value_reads}"


@pytest.mark.parametrize("loss,keys", LOSSES, ids=[type(loss).__name__ for loss, _ in LOSSES])
def test_losses_run_on_tensors_without_data(on_meta_device, loss, keys):
    data = _inputs(on_meta_device)
    assert loss(data[keys[0]], data[keys[1]], sample_weight=data["weights"]).device.type == "meta"


def test_the_spy_does_catch_a_read(count_value_reads):
    class Syncing(metrics.Mean):
        def update_state(self, values, sample_weight=None):
            super().update_state(float(torch.as_tensor(values).sum()))

    Syncing().update_state(torch.ones(3))
    assert "__float__" in count_value_reads


def test_meta_device_does_catch_a_read(on_meta_device):
    class Syncing(metrics.Mean):
        def update_state(self, values, sample_weight=None):
            super().update_state(values[values > 0])  # boolean indexing: a data-dependent shape

    with pytest.raises(Exception):
        Syncing().update_state(torch.ones(3, device="meta"))
