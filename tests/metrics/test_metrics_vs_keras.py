"""Metric classes against Keras 3 (torch backend): several update_state calls, sample weights, reset_state."""
import numpy as np
import pytest
import torch

from lamina import metrics

N, K = 16, 5
RTOL, ATOL = 1e-6, 1e-7


def _batch(seed, shape=(N, K)):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=shape).astype("float32")
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = rng.integers(0, shape[-1], shape[:-1])
    return {
        "reg_true": rng.normal(size=shape).astype("float32"),
        "reg_pred": rng.normal(size=shape).astype("float32"),
        "pos_true": rng.uniform(0, 3, size=shape).astype("float32"),
        "pos_pred": rng.uniform(0.01, 3, size=shape).astype("float32"),
        "bin_true": (rng.random(shape) > 0.5).astype("float32"),
        "bin_true_col": (rng.random(shape[:-1] + (1,)) > 0.5).astype("float32"),
        "bin_true_flat": (rng.random(shape[:-1]) > 0.5).astype("float32"),
        "probs_col": rng.uniform(0, 1, size=shape[:-1] + (1,)).astype("float32"),
        "probs01": rng.uniform(0, 1, size=shape).astype("float32"),
        "logits": logits,
        "probs": probs.astype("float32"),
        "onehot": np.eye(shape[-1], dtype="float32")[labels],
        "labels": labels,
        "labels_col": labels[..., None],
        "ints_true": rng.integers(0, 3, size=shape).astype("float32"),
        "ints_pred": rng.integers(0, 3, size=shape).astype("float32"),
        "weights": rng.uniform(0, 2, size=shape[:1]).astype("float32"),
    }


# (class name, kwargs, y_true key, y_pred key)
CASES = [
    ("Accuracy", {}, "ints_true", "ints_pred"),
    ("BinaryAccuracy", {}, "bin_true", "probs01"),
    ("BinaryAccuracy", {"threshold": 0.3}, "bin_true_flat", "probs_col"),
    ("BinaryAccuracy", {}, "bin_true_col", "probs_col"),
    ("CategoricalAccuracy", {}, "onehot", "probs"),
    ("SparseCategoricalAccuracy", {}, "labels", "probs"),
    ("SparseCategoricalAccuracy", {}, "labels_col", "probs"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot", "probs"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "labels", "probs"),
    ("SparseTopKCategoricalAccuracy", {"k": 1}, "labels_col", "probs"),
    ("MeanSquaredError", {}, "reg_true", "reg_pred"),
    ("MeanAbsoluteError", {}, "reg_true", "reg_pred"),
    ("MeanAbsolutePercentageError", {}, "reg_true", "reg_pred"),
    ("MeanSquaredLogarithmicError", {}, "pos_true", "pos_pred"),
    ("RootMeanSquaredError", {}, "reg_true", "reg_pred"),
    ("CosineSimilarity", {}, "reg_true", "reg_pred"),
    ("LogCoshError", {}, "reg_true", "reg_pred"),
    ("BinaryCrossentropy", {}, "bin_true", "probs01"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "bin_true", "logits"),
    ("CategoricalCrossentropy", {}, "onehot", "probs"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "onehot", "logits"),
    ("SparseCategoricalCrossentropy", {}, "labels", "probs"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "labels", "logits"),
    ("KLDivergence", {}, "probs", "probs01"),
    ("Poisson", {}, "pos_true", "pos_pred"),
    ("Hinge", {}, "bin_true", "logits"),
    ("SquaredHinge", {}, "bin_true", "logits"),
    ("CategoricalHinge", {}, "onehot", "logits"),
    ("R2Score", {}, "reg_true", "reg_pred"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "reg_true", "reg_pred"),
    ("R2Score", {"class_aggregation": None, "num_regressors": 2}, "reg_true", "reg_pred"),
]


def _ids(cases):
    return [f"{name}-{kw}-{t}" for name, kw, t, _ in cases]


def _run_both(keras, name, kwargs, true_key, pred_key, weighted, shape=(N, K)):
    reference = getattr(keras.metrics, name)(**kwargs)
    ours = getattr(metrics, name)(**kwargs)
    for step in range(3):
        batch = _batch(step, shape)
        sample_weight = batch["weights"] if weighted else None
        reference.update_state(batch[true_key], batch[pred_key], sample_weight=sample_weight)
        ours.update_state(batch[true_key], batch[pred_key], sample_weight=sample_weight)
        got, expected = ours.result(), keras.ops.convert_to_numpy(reference.result())
        assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
        np.testing.assert_allclose(got.numpy(), expected, rtol=RTOL, atol=ATOL, err_msg=f"after batch {step}")
    return reference, ours


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name,kwargs,true_key,pred_key", CASES, ids=_ids(CASES))
def test_metric_matches_keras_over_batches(keras, name, kwargs, true_key, pred_key, weighted):
    reference, ours = _run_both(keras, name, kwargs, true_key, pred_key, weighted)
    reference.reset_state()
    ours.reset_state()
    assert all(float(v.abs().sum()) == 0.0 for v in ours.variables)
    batch = _batch(7)
    reference.update_state(batch[true_key], batch[pred_key])
    ours.update_state(batch[true_key], batch[pred_key])
    np.testing.assert_allclose(
        ours.result().numpy(), keras.ops.convert_to_numpy(reference.result()), rtol=RTOL, atol=ATOL
    )


SEQUENCE_CASES = [case for case in CASES if case[0] not in ("R2Score",)]


@pytest.mark.parametrize("name,kwargs,true_key,pred_key", SEQUENCE_CASES, ids=_ids(SEQUENCE_CASES))
def test_metric_on_sequences_matches_keras(keras, name, kwargs, true_key, pred_key):
    _run_both(keras, name, kwargs, true_key, pred_key, weighted=True, shape=(N, 3, K))


@pytest.mark.parametrize("weighted", [False, True])
def test_mean_and_sum_match_keras(keras, weighted):
    rng = np.random.default_rng(3)
    for name in ("Mean", "Sum"):
        reference, ours = getattr(keras.metrics, name)(), getattr(metrics, name)()
        for shape in [(N,), (N, 3), (N, 3, 2), ()]:
            values = rng.normal(size=shape).astype("float32")
            sample_weight = rng.uniform(0, 2, size=shape[:1]).astype("float32") if weighted and shape else None
            reference.update_state(values, sample_weight=sample_weight)
            ours.update_state(values, sample_weight=sample_weight)
            np.testing.assert_allclose(
                ours.result().numpy(), keras.ops.convert_to_numpy(reference.result()), rtol=RTOL, atol=ATOL
            )


def test_mean_with_a_python_number_as_weight_matches_keras(keras):
    # what Keras's trainer does for its loss tracker: update_state(loss, sample_weight=batch_size)
    reference, ours = keras.metrics.Mean(), metrics.Mean()
    for loss, batch_size in [(0.5, 32), (0.25, 32), (1.0, 8)]:
        reference.update_state(torch.tensor(loss), sample_weight=batch_size)
        ours.update_state(torch.tensor(loss), sample_weight=batch_size)
    np.testing.assert_allclose(ours.result().numpy(), keras.ops.convert_to_numpy(reference.result()), rtol=RTOL)
    assert abs(ours.result().item() - (0.5 * 32 + 0.25 * 32 + 8) / 72) < 1e-7


def test_mean_metric_wrapper_with_mask_matches_keras(keras):
    batch = _batch(4, (N, 3, K))
    mask = torch.as_tensor(np.random.default_rng(5).random((N, 3)) > 0.4)
    step_weights = np.random.default_rng(6).uniform(0, 2, size=(N, 3)).astype("float32")
    results = []
    for module in (keras.metrics, metrics):
        metric = module.CategoricalAccuracy()
        for weights in (None, step_weights):
            y_pred = torch.as_tensor(batch["probs"])
            y_pred._keras_mask = mask
            metric.update_state(batch["onehot"], y_pred, sample_weight=weights)
        results.append(keras.ops.convert_to_numpy(metric.result()))
    np.testing.assert_allclose(results[1], results[0], rtol=RTOL)


def test_per_sample_weights_with_a_per_step_mask():
    # Keras 3 cannot combine (N,) weights with an (N, steps) mask; lamina weights each sample's steps
    y_true = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    y_pred = torch.tensor([[1.0, 0.0], [3.0, 4.0]])
    y_pred._keras_mask = torch.tensor([[True, False], [True, True]])
    metric = metrics.Accuracy()
    metric.update_state(y_true, y_pred, sample_weight=torch.tensor([2.0, 1.0]))
    # sample 0: one unmasked hit, weight 2 -> mean 1.0 over its weight; sample 1: two hits
    assert metric.result().item() == 1.0
    metric.reset_state()
    metric.update_state(y_true, y_pred)  # masked step not counted
    assert metric.result().item() == 1.0


def test_mean_metric_wrapper_wraps_custom_functions(keras):
    def within_half(y_true, y_pred):
        return torch.mean((torch.abs(y_true - y_pred) < 0.5).float(), dim=-1)

    batch = _batch(6)
    reference = keras.metrics.MeanMetricWrapper(within_half)
    ours = metrics.MeanMetricWrapper(within_half)
    assert ours.name == "within_half"
    y_true, y_pred = torch.as_tensor(batch["reg_true"]), torch.as_tensor(batch["reg_pred"])
    for weights in (None, batch["weights"]):
        reference.update_state(y_true, y_pred, sample_weight=weights)
        ours.update_state(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(ours.result().numpy(), keras.ops.convert_to_numpy(reference.result()), rtol=RTOL)


def test_mean_metric_wrapper_matches_ranks_of_labels_and_predictions():
    # (N,) labels against (N, 1) predictions: compared row by row, not broadcast to (N, N)
    def exact(y_true, y_pred):
        return torch.mean((y_true == torch.round(y_pred)).float(), dim=-1)

    metric = metrics.MeanMetricWrapper(exact)
    metric.update_state(torch.tensor([1.0, 0.0, 1.0, 1.0]), torch.tensor([[0.9], [0.2], [0.4], [0.7]]))
    assert metric.result().item() == 0.75


def test_loss_object_as_metric_matches_keras(keras):
    batch = _batch(8)
    reference = keras.metrics.MeanMetricWrapper(keras.losses.MeanSquaredError())
    ours = metrics.MeanMetricWrapper(__import__("lamina").losses.MeanSquaredError())
    assert ours.name == "mean_squared_error"
    for seed in range(2):
        batch = _batch(seed)
        reference.update_state(batch["reg_true"], batch["reg_pred"])
        ours.update_state(batch["reg_true"], batch["reg_pred"])
    np.testing.assert_allclose(ours.result().numpy(), keras.ops.convert_to_numpy(reference.result()), rtol=RTOL)


@pytest.mark.parametrize(
    "name,fn_args",
    [("binary_accuracy", ("bin_true", "probs01")), ("categorical_accuracy", ("onehot", "probs")),
     ("sparse_categorical_accuracy", ("labels", "probs")), ("sparse_categorical_accuracy", ("labels_col", "probs")),
     ("top_k_categorical_accuracy", ("onehot", "probs")), ("sparse_top_k_categorical_accuracy", ("labels", "probs"))],
)
def test_metric_functions_match_keras(keras, name, fn_args):
    batch = _batch(9)
    y_true, y_pred = batch[fn_args[0]], batch[fn_args[1]]
    expected = keras.ops.convert_to_numpy(getattr(keras.metrics, name)(y_true, y_pred))
    got = getattr(metrics, name)(y_true, y_pred)
    np.testing.assert_allclose(got.numpy().reshape(expected.shape), expected)


def test_sparse_top_k_from_sorted_ids_matches_keras(keras):
    batch = _batch(10)
    sorted_ids = np.argsort(-batch["probs"], axis=-1)
    expected = keras.ops.convert_to_numpy(
        keras.metrics.sparse_top_k_categorical_accuracy(batch["labels"], sorted_ids, k=2, from_sorted_ids=True)
    )
    got = metrics.sparse_top_k_categorical_accuracy(batch["labels"], sorted_ids, k=2, from_sorted_ids=True)
    np.testing.assert_allclose(got.numpy(), expected)


def test_top_k_with_ties_counts_the_target_as_hit(keras):
    y_pred = np.array([[0.5, 0.5, 0.0], [0.2, 0.2, 0.6]], dtype="float32")
    labels = np.array([1, 0])
    expected = keras.ops.convert_to_numpy(keras.metrics.sparse_top_k_categorical_accuracy(labels, y_pred, k=1))
    np.testing.assert_array_equal(metrics.sparse_top_k_categorical_accuracy(labels, y_pred, k=1).numpy(), expected)


def test_default_names_match_keras(keras):
    for name, kwargs, _, _ in CASES:
        assert getattr(metrics, name)(**kwargs).name == getattr(keras.metrics, name)(**kwargs).name, name


def test_float64_metric_state(keras):
    ours = metrics.MeanSquaredError(dtype="float64")
    reference = keras.metrics.MeanSquaredError(dtype="float64")
    batch = _batch(11)
    ours.update_state(batch["reg_true"], batch["reg_pred"])
    reference.update_state(batch["reg_true"], batch["reg_pred"])
    assert ours.result().dtype == torch.float64 and all(v.dtype == torch.float64 for v in ours.variables)
    np.testing.assert_allclose(ours.result().numpy(), keras.ops.convert_to_numpy(reference.result()), rtol=RTOL)


def test_metric_variables_and_keras2_spellings():
    metric = metrics.Mean(name="loss_tracker")
    assert [v.name for v in metric.variables] == ["total", "count"]
    assert [v.path for v in metric.variables] == ["loss_tracker/total", "loss_tracker/count"]
    assert not any(v.requires_grad for v in metric.variables)
    metric.update_state([1.0, 2.0])
    metric.reset_states()
    assert metric.result().item() == 0.0
    assert metric([4.0, 6.0]).item() == 5.0  # __call__ updates and returns the result


def test_update_state_builds_no_autograd_graph():
    metric = metrics.MeanSquaredError()
    y_pred = torch.ones(4, 2, requires_grad=True)
    metric.update_state(torch.zeros(4, 2), y_pred * 2)
    assert not metric.result().requires_grad and not any(v.requires_grad for v in metric.variables)


def test_subclassed_metric_with_keras2_add_weight():
    class CountAbove(metrics.Metric):
        def __init__(self, threshold, **kwargs):
            super().__init__(**kwargs)
            self.threshold = threshold
            self.hits = self.add_weight("hits", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.hits.assign_add(torch.sum(torch.as_tensor(y_pred) > self.threshold).float())

        def result(self):
            return self.hits.clone()

    metric = CountAbove(0.5)
    assert metric.name.startswith("count_above")
    metric.update_state(None, torch.tensor([0.1, 0.7, 0.9], requires_grad=True))
    metric.update_state(None, [0.6])
    assert metric.result().item() == 3.0
    metric.reset_state()
    assert metric.result().item() == 0.0
