"""Hinge losses for maximum-margin classifiers: hinge, squared hinge, categorical hinge.

Targets are -1/1; 0/1 targets are converted to -1/1 first (when every target is 0 or
1), as Keras does, without a host sync.

Example:
    >>> hinge([[1.0, 0.0]], [[0.5, -2.0]]).tolist()
    [0.25]
"""
import torch

from lamina.core.registry import register
from lamina.losses.checks import check_broadcastable, check_one_hot_targets, prediction, symbolic_aware, target_like
from lamina.losses.loss import FunctionLoss


def _signed_labels(y_true):
    """0/1 labels become -1/1; any other labels are returned unchanged."""
    is_binary = torch.all((y_true == 0) | (y_true == 1))
    return torch.where(is_binary, 2.0 * y_true - 1.0, y_true)


def _margins(name, y_true, y_pred):
    y_pred = prediction(y_pred)
    y_true = target_like(y_true, y_pred)
    check_broadcastable(name, y_true, y_pred)
    return torch.clamp_min(1.0 - _signed_labels(y_true) * y_pred, 0.0)


@symbolic_aware
def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)`` with -1/1 (or 0/1) targets.

    Example:
        >>> hinge([[-1.0, 1.0]], [[-0.5, 2.0]]).tolist()
        [0.25]
    """
    return torch.mean(_margins("hinge", y_true, y_pred), dim=-1)


@symbolic_aware
def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)`` with -1/1 (or 0/1) targets.

    Example:
        >>> squared_hinge([[-1.0, 1.0]], [[-0.5, 2.0]]).tolist()
        [0.125]
    """
    return torch.mean(torch.square(_margins("squared_hinge", y_true, y_pred)), dim=-1)


@symbolic_aware
def categorical_hinge(y_true, y_pred):
    """``max(max_wrong - correct + 1, 0)`` for one-hot targets.

    Example:
        >>> categorical_hinge([[0.0, 1.0]], [[0.3, 0.8]]).tolist()
        [0.5]
    """
    y_pred = prediction(y_pred)
    y_true = target_like(y_true, y_pred)
    check_one_hot_targets("categorical_hinge", y_true, y_pred, -1, sparse_alternative=None)
    pos = torch.sum(y_true * y_pred, dim=-1)
    neg = torch.amax((1.0 - y_true) * y_pred, dim=-1)
    return torch.clamp_min(neg - pos + 1.0, 0.0)


@register()
class Hinge(FunctionLoss):
    """Hinge loss (``loss='hinge'``).

    Example:
        >>> Hinge()([[-1.0, 1.0]], [[-0.5, 2.0]]).item()
        0.25
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction, name, dtype)


@register()
class SquaredHinge(FunctionLoss):
    """Squared hinge loss (``loss='squared_hinge'``).

    Example:
        >>> SquaredHinge()([[-1.0, 1.0]], [[-0.5, 2.0]]).item()
        0.125
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction, name, dtype)


@register()
class CategoricalHinge(FunctionLoss):
    """Categorical hinge loss (``loss='categorical_hinge'``) for one-hot targets.

    Example:
        >>> CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.8]]).item()
        0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction, name, dtype)
