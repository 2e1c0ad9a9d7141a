"""Accuracy metrics: exact match, binary (thresholded), categorical, sparse and top-k.

Each function returns one 0/1 value per sample (floatx); each class is the running
mean of its function. Targets whose shape cannot match the predictions raise an error
naming both shapes (Keras would broadcast them into a meaningless number).

Example:
    >>> binary_accuracy([1.0, 0.0], [0.8, 0.7]).tolist()
    [1.0, 0.0]
    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([2, 1], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]); m.result().item()
    0.5
"""
import torch

from lamina.core import config
from lamina.core.dtypes import to_torch_dtype
from lamina.core.tensors import convert_to_tensor
from lamina.losses.checks import check_broadcastable, check_integer_targets, check_one_hot_targets, prediction
from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.metrics.metric import register_metric
from lamina.metrics.reduction import FunctionMetric


def _as_tensor(x, dtype=None):
    if isinstance(x, torch.Tensor):
        return x if dtype is None or x.dtype == dtype else x.to(dtype)
    return convert_to_tensor(x, dtype=dtype)


def _floatx_matches(a, b):
    return torch.eq(a, b).to(to_torch_dtype(config.floatx()))


def accuracy(y_true, y_pred):
    """1.0 where ``y_pred`` equals ``y_true`` exactly, else 0.0.

    Example:
        >>> accuracy([1, 2, 3], [1, 0, 3]).tolist()
        [1.0, 0.0, 1.0]
    """
    y_pred = prediction(y_pred)
    y_true = _as_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable("accuracy", y_true, y_pred)
    return _floatx_matches(y_true, y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``y_pred > threshold`` agrees with the 0/1 target.

    Example:
        >>> binary_accuracy([[1.0, 0.0]], [[0.6, 0.4]]).tolist()
        [[1.0, 1.0]]
    """
    y_pred = prediction(y_pred)
    y_true = _as_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable("binary_accuracy", y_true, y_pred)
    return _floatx_matches(y_true, (y_pred > threshold).to(y_true.dtype))


def categorical_accuracy(y_true, y_pred):
    """1.0 where the predicted class (argmax) is the one-hot target's class.

    Example:
        >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]).tolist()
        [1.0, 0.0]
    """
    y_pred = prediction(y_pred)
    y_true = _as_tensor(y_true)
    check_one_hot_targets("categorical_accuracy", y_true, y_pred, -1, "sparse_categorical_accuracy")
    return _floatx_matches(torch.argmax(y_true, dim=-1), torch.argmax(y_pred, dim=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the predicted class (argmax) equals the integer label.

    Labels have shape ``(batch,)`` or ``(batch, 1)``; the result has shape ``(batch,)``.

    Example:
        >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]).tolist()
        [1.0, 0.0]
    """
    y_pred = prediction(y_pred)
    y_true = _as_tensor(y_true, y_pred.dtype)
    y_true = check_integer_targets("sparse_categorical_accuracy", y_true, y_pred, -1, "categorical_accuracy")
    return _floatx_matches(y_true, torch.argmax(y_pred, dim=-1).to(y_pred.dtype))


def _in_top_k(targets, predictions, k):
    """True where the target class's score is at least the k-th largest score (ties count as hits)."""
    k = min(int(k), predictions.shape[-1])
    kth_largest = torch.topk(predictions, k, dim=-1).values[..., -1:]
    target_scores = torch.take_along_dim(predictions, targets.long().unsqueeze(-1), dim=-1)
    return (target_scores >= kth_largest).squeeze(-1)


def _flatten_rows(y_true, y_pred):
    """Predictions as ``(rows, classes)`` and labels as ``(rows,)``; returns the labels' original shape."""
    true_shape = y_true.shape
    if y_pred.dim() > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if y_true.dim() > 1:
        y_true = y_true.reshape(-1)
    return y_true, y_pred, true_shape


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot target's class is among the ``k`` highest predictions.

    Example:
        >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]], k=2).tolist()
        [1.0, 1.0]
    """
    y_pred = prediction(y_pred)
    y_true = _as_tensor(y_true, y_pred.dtype)
    check_one_hot_targets("top_k_categorical_accuracy", y_true, y_pred, -1, "sparse_top_k_categorical_accuracy")
    labels, rows, shape = _flatten_rows(torch.argmax(y_true, dim=-1), y_pred)
    return _in_top_k(labels, rows, k).to(to_torch_dtype(config.floatx())).reshape(shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the ``k`` highest predictions.

    With ``from_sorted_ids=True``, ``y_pred`` holds class ids sorted by score and the
    first ``k`` are compared with the label.

    Example:
        >>> sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]], k=2).tolist()
        [1.0, 1.0]
    """
    y_pred = prediction(y_pred)
    y_true = _as_tensor(y_true)
    if not from_sorted_ids:
        y_true = check_integer_targets(
            "sparse_top_k_categorical_accuracy", y_true, y_pred, -1, "top_k_categorical_accuracy"
        )
    labels, rows, shape = _flatten_rows(y_true, y_pred)
    if from_sorted_ids:
        matches = torch.any(labels.to(rows.dtype).unsqueeze(1) == rows[:, :k], dim=1)
    else:
        matches = _in_top_k(labels, rows, k)
    return matches.to(to_torch_dtype(config.floatx())).reshape(shape)


@register_metric
class Accuracy(FunctionMetric):
    """How often predictions equal targets exactly (see ``resolve_metric`` for ``'accuracy'``).

    Example:
        >>> m = Accuracy()
        >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]]); m.result().item()
        0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


@register_metric
class BinaryAccuracy(FunctionMetric):
    """How often ``y_pred > threshold`` matches 0/1 targets.

    Example:
        >>> m = BinaryAccuracy(threshold=0.5)
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]); m.result().item()
        0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


@register_metric
class CategoricalAccuracy(FunctionMetric):
    """How often the argmax of the prediction is the one-hot target's class.

    Example:
        >>> m = CategoricalAccuracy()
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]); m.result().item()
        0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


@register_metric
class SparseCategoricalAccuracy(FunctionMetric):
    """How often the argmax of the prediction equals the integer label.

    Example:
        >>> m = SparseCategoricalAccuracy()
        >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]); m.result().item()
        0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


@register_metric
class TopKCategoricalAccuracy(FunctionMetric):
    """How often the one-hot target is among the ``k`` highest predictions.

    Example:
        >>> m = TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]); m.result().item()
        0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


@register_metric
class SparseTopKCategoricalAccuracy(FunctionMetric):
    """How often the integer label is among the ``k`` highest predictions.

    Example:
        >>> m = SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]); m.result().item()
        0.5
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        super().__init__(
            sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k, from_sorted_ids=from_sorted_ids
        )
