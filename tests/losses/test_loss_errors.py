"""Every error path of the losses: the message names the loss/argument, what was given and what was expected."""
import numpy as np
import pytest
import torch

from lamina import losses


@pytest.mark.parametrize("labels_shape", [(8,), (8, 1)])
@pytest.mark.parametrize("use_class", [False, True])
def test_integer_labels_with_categorical_crossentropy(labels_shape, use_class):
    labels = np.random.default_rng(0).integers(0, 10, size=labels_shape)
    probs = np.full((8, 10), 0.1, dtype="float32")
    loss = losses.CategoricalCrossentropy() if use_class else losses.categorical_crossentropy
    with pytest.raises(ValueError) as info:
        loss(labels, probs)
    message = str(info.value)
    assert "categorical_crossentropy" in message and "one-hot" in message
    assert str(labels_shape) in message and "(8, 10)" in message
    assert "sparse_categorical_crossentropy" in message and "to_categorical(y, num_classes=10)" in message


def test_one_hot_labels_with_sparse_categorical_crossentropy():
    one_hot = np.eye(4, dtype="float32")[[0, 1, 2, 3, 0]]
    with pytest.raises(ValueError) as info:
        losses.SparseCategoricalCrossentropy()(one_hot, np.full((5, 4), 0.25, dtype="float32"))
    message = str(info.value)
    assert "sparse_categorical_crossentropy" in message and "one-hot" in message
    assert "(5, 4)" in message and "(5,)" in message and "'categorical_crossentropy'" in message


def test_sparse_labels_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy.*\(6,\).*\(5, 4\).*\(5,\)"):
        losses.sparse_categorical_crossentropy(np.zeros(6), np.full((5, 4), 0.25, dtype="float32"))


def test_sparse_label_out_of_range_names_the_class_count():
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy: class labels must be integers in \[0, 4\)"):
        losses.sparse_categorical_crossentropy(np.array([1, 7]), np.full((2, 4), 0.25, dtype="float32"))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        losses.sparse_categorical_crossentropy(np.array([1, -100]), np.zeros((2, 4), dtype="float32"), from_logits=True)


@pytest.mark.parametrize(
    "name",
    ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
     "huber", "log_cosh", "cosine_similarity", "kl_divergence", "poisson", "hinge", "squared_hinge"],
)
def test_targets_that_cannot_match_predictions(name):
    with pytest.raises(ValueError) as info:
        getattr(losses, name)(np.zeros((8, 3), dtype="float32"), np.zeros((8, 2), dtype="float32"))
    message = str(info.value)
    assert message.startswith(name) and "(8, 3)" in message and "(8, 2)" in message


def test_batch_of_targets_against_classes_is_not_broadcast():
    # Keras would broadcast (10,) targets against the 10 columns of a (10, 10) prediction
    with pytest.raises(ValueError, match=r"mean_squared_error: targets \(y_true\) of shape \(10,\)"):
        losses.mean_squared_error(np.zeros(10, dtype="float32"), np.zeros((10, 10), dtype="float32"))


@pytest.mark.parametrize("name", ["binary_crossentropy", "binary_focal_crossentropy"])
def test_binary_crossentropy_shape_mismatch(name):
    with pytest.raises(ValueError) as info:
        getattr(losses, name)(np.zeros((4, 2), dtype="float32"), np.full((4, 3), 0.5, dtype="float32"))
    assert str(info.value).startswith(name) and "(4, 2)" in str(info.value) and "(4, 3)" in str(info.value)


def test_categorical_hinge_with_integer_labels():
    with pytest.raises(ValueError, match=r"categorical_hinge expects one-hot targets.*One-hot encode"):
        losses.categorical_hinge(np.zeros(4), np.zeros((4, 3), dtype="float32"))


def test_categorical_crossentropy_of_one_column_warns():
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy(np.ones((3, 1), dtype="float32"), np.ones((3, 1), dtype="float32"))


def test_axis_must_be_an_int():
    with pytest.raises(ValueError, match=r"categorical_crossentropy: axis must be an int; received axis=True"):
        losses.categorical_crossentropy(np.eye(2, dtype="float32"), np.eye(2, dtype="float32"), axis=True)


def test_invalid_reduction():
    with pytest.raises(ValueError, match=r"invalid reduction='avg'; expected one of \['sum_over_batch_size'"):
        losses.MeanSquaredError(reduction="avg")


def test_sample_weight_that_does_not_fit():
    with pytest.raises(ValueError, match=r"sample_weight of shape \(3,\) cannot be applied to loss values of shape \(4,\)"):
        losses.MeanSquaredError()(np.zeros((4, 2), dtype="float32"), np.ones((4, 2), dtype="float32"), [1.0, 2.0, 3.0])


def test_ctc_shapes():
    with pytest.raises(ValueError, match=r"ctc: targets \(y_true\) must be integer labels of shape \(batch_size, max_length\); received shape \(2,\)"):
        losses.ctc(np.array([1, 2]), np.zeros((2, 5, 3), dtype="float32"))
    with pytest.raises(ValueError, match=r"ctc: predictions \(y_pred\) must be logits of shape \(batch_size, time_steps, num_classes\); received shape \(2, 5\)"):
        losses.ctc(np.array([[1], [2]]), np.zeros((2, 5), dtype="float32"))


def test_wrapper_needs_a_callable():
    with pytest.raises(TypeError, match=r"LossFunctionWrapper: fn must be callable; received 3"):
        losses.LossFunctionWrapper(3)


def test_base_loss_call_is_abstract():
    with pytest.raises(NotImplementedError, match=r"Loss must implement call\(y_true, y_pred\)"):
        losses.Loss()(torch.zeros(1), torch.zeros(1))
