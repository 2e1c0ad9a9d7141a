"""resolve_metric against Keras 3's compile-time metric resolution (keras.src.trainers.compile_utils.get_metric)."""
import numpy as np
import pytest
import torch

from lamina import losses, metrics


def _keras_metric(identifier, true_shape, pred_shape):
    from keras.src.trainers.compile_utils import get_metric

    return get_metric(identifier, np.zeros(true_shape), np.zeros(pred_shape))


SHAPES = [
    ((32, 1), (32, 1)),  # binary, column labels
    ((32,), (32, 1)),  # binary, flat labels
    ((32,), (32, 10)),  # sparse
    ((32, 1), (32, 10)),  # sparse, column labels
    ((32, 10), (32, 10)),  # one-hot
    ((32, 7), (32, 7, 10)),  # sparse sequence labels
    ((32, 7, 10), (32, 7, 10)),  # one-hot sequences
]


@pytest.mark.parametrize("true_shape,pred_shape", SHAPES)
@pytest.mark.parametrize("identifier", ["accuracy", "acc", "Accuracy", "ACC"])
def test_accuracy_resolves_like_keras(keras, identifier, true_shape, pred_shape):
    reference = _keras_metric(identifier, true_shape, pred_shape)
    ours = metrics.resolve_metric(identifier, "mse", true_shape, pred_shape)
    assert type(ours).__name__ == type(reference).__name__
    assert ours.name == reference.name == identifier


@pytest.mark.parametrize(
    "identifier",
    ["mae", "mse", "MAE", "mape", "msle", "bce", "binary_accuracy", "categorical_accuracy", "AUC", "auc",
     "Precision", "recall", "top_k_categorical_accuracy", "RootMeanSquaredError", "kl_divergence", "poisson",
     "hinge", "cosine_similarity", "mean_squared_logarithmic_error", "log_cosh_error"],
)
def test_named_metrics_resolve_like_keras(keras, identifier):
    reference = _keras_metric(identifier, (8, 3), (8, 3))
    ours = metrics.resolve_metric(identifier, "mse", (8, 3), (8, 3))
    assert type(ours).__name__ == type(reference).__name__
    assert ours.name == reference.name == identifier


def test_metric_objects_and_classes_resolve_like_keras(keras):
    auc = metrics.AUC(name="my_auc")
    assert metrics.resolve_metric(auc, "binary_crossentropy", (8, 1), (8, 1)) is auc
    assert auc.name == "my_auc"
    ours = metrics.resolve_metric(metrics.Precision, "binary_crossentropy", (8, 1), (8, 1))
    reference = _keras_metric(keras.metrics.Precision, (8, 1), (8, 1))
    assert isinstance(ours, metrics.Precision) and isinstance(reference, keras.metrics.Precision)
    assert ours.name.startswith("precision") and reference.name.startswith("precision")


def test_custom_functions_are_wrapped_and_named_after_the_function():
    def binary_accuracy_with_nan(y_true, y_pred):
        keep = ~torch.isnan(y_true)
        return torch.mean((y_true[keep] == torch.round(y_pred[keep])).float(), dim=-1)

    metric = metrics.resolve_metric(binary_accuracy_with_nan, "binary_crossentropy", (4, 3), (4, 3))
    assert isinstance(metric, metrics.MeanMetricWrapper) and metric.name == "binary_accuracy_with_nan"
    metric.update_state(torch.tensor([[1.0, float("nan"), 0.0]]), torch.tensor([[0.9, 0.5, 0.8]]))
    assert metric.result().item() == 0.5


def test_callable_objects_keep_their_name_attribute_spelling():
    # seed 002's custom metric object sets __name__ = 'MSE' and reads logs['MSE']
    class SymmetryMSE:
        def __init__(self):
            self.__name__ = "MSE"

        def __call__(self, y_true, y_pred):
            return torch.mean(torch.square(y_pred - y_true))

    metric = metrics.resolve_metric(SymmetryMSE(), None, (4, 2), (4, 2))
    assert isinstance(metric, metrics.MeanMetricWrapper) and metric.name == "MSE"
    metric.update_state(torch.zeros(4, 2), torch.ones(4, 2))
    assert metric.result().item() == 1.0


def test_loss_objects_as_metrics_keep_their_name(keras):
    loss = losses.MeanAbsoluteError(name="l1")
    ours = metrics.resolve_metric(loss, "mse", (4, 1), (4, 1))
    reference = _keras_metric(keras.losses.MeanAbsoluteError(name="l1"), (4, 1), (4, 1))
    assert isinstance(ours, metrics.MeanMetricWrapper) and ours.name == reference.name == "l1"


@pytest.mark.parametrize("true_shape,pred_shape,kind", [
    ((16, 1), (16, 1), "BinaryCrossentropy"), ((16,), (16, 4), "SparseCategoricalCrossentropy"),
    ((16, 4), (16, 4), "CategoricalCrossentropy"),
])
@pytest.mark.parametrize("identifier", ["crossentropy", "ce"])
def test_crossentropy_metric_resolves_by_shape(identifier, true_shape, pred_shape, kind):
    metric = metrics.resolve_metric(identifier, None, true_shape, pred_shape)
    assert type(metric).__name__ == kind and metric.name == identifier and metric.from_logits is False


def test_crossentropy_metric_follows_the_loss_from_logits():
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    metric = metrics.resolve_metric("ce", loss, (16,), (16, 4))
    assert isinstance(metric, metrics.SparseCategoricalCrossentropy) and metric.from_logits is True
    logits = torch.randn(16, 4)
    labels = torch.randint(0, 4, (16,))
    metric.update_state(labels, logits)
    np.testing.assert_allclose(metric.result().item(), loss(labels, logits).item(), rtol=1e-6)


@pytest.mark.parametrize("loss,kind", [
    ("binary_crossentropy", "BinaryAccuracy"), (losses.BinaryCrossentropy(), "BinaryAccuracy"),
    ("sparse_categorical_crossentropy", "SparseCategoricalAccuracy"),
    (losses.SparseCategoricalCrossentropy(from_logits=True), "SparseCategoricalAccuracy"),
    ("categorical_crossentropy", "CategoricalAccuracy"), ("mse", "CategoricalAccuracy"), (None, "CategoricalAccuracy"),
])
def test_without_shapes_the_loss_decides_as_in_keras2(loss, kind):
    assert type(metrics.resolve_metric("acc", loss)).__name__ == kind


def test_each_call_gives_a_new_metric_with_fresh_state():
    first = metrics.resolve_metric("mae", "mse", (4, 1), (4, 1))
    second = metrics.resolve_metric("mae", "mse", (4, 1), (4, 1))
    assert first is not second
    first.update_state([[1.0]], [[3.0]])
    assert second.result().item() == 0.0


def test_none_and_unknown_identifiers():
    with pytest.raises(ValueError, match=r"resolve_metric: expected a metric identifier, received None"):
        metrics.resolve_metric(None, "mse", (4, 1), (4, 1))
    with pytest.raises(ValueError) as info:
        metrics.resolve_metric("acuracy", "mse", (4, 1), (4, 1))
    message = str(info.value)
    assert "Unknown metric: 'acuracy'" in message and "'accuracy'" in message and "'mae'" in message
