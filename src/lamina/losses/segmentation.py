"""Overlap losses for segmentation: Dice and Tversky.

With ``axis=None`` (the default, as in Keras) the overlap is measured over the whole
batch and the loss is one number; give ``axis`` (e.g. ``(1, 2)``) for one value per sample.

Example:
    >>> round(dice([[1.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]]).item(), 4)
    0.3333
"""
import torch

from lamina.core import config
from lamina.core.registry import register
from lamina.losses.checks import check_broadcastable, prediction, symbolic_aware, target_like
from lamina.losses.loss import FunctionLoss


def _sum(x, axis):
    return torch.sum(x) if axis is None else torch.sum(x, dim=axis)


def _prepare(name, y_true, y_pred):
    y_pred = prediction(y_pred)
    y_true = target_like(y_true, y_pred)
    check_broadcastable(name, y_true, y_pred)
    return y_true, y_pred


@symbolic_aware
def dice(y_true, y_pred, axis=None):
    """``1 - 2 |y_true · y_pred| / (|y_true| + |y_pred|)``, summed over ``axis`` (all axes by default).

    Example:
        >>> dice([[1.0, 1.0]], [[1.0, 1.0]]).item() < 1e-6
        True
    """
    y_true, y_pred = _prepare("dice", y_true, y_pred)
    intersection = _sum(y_true * y_pred, axis)
    return 1 - 2.0 * intersection / (_sum(y_true, axis) + _sum(y_pred, axis) + config.epsilon())


@symbolic_aware
def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``1 - TP / (TP + alpha·FP + beta·FN)`` with soft counts (Dice for alpha = beta = 0.5).

    Example:
        >>> round(tversky([[1.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]], alpha=0.5, beta=0.5).item(), 4)
        0.3333
    """
    y_true, y_pred = _prepare("tversky", y_true, y_pred)
    intersection = _sum(y_true * y_pred, axis)
    false_positives = _sum((1 - y_pred) * y_true, axis)
    false_negatives = _sum(y_pred * (1 - y_true), axis)
    return 1 - intersection / (intersection + false_positives * alpha + false_negatives * beta + config.epsilon())


@register()
class Dice(FunctionLoss):
    """Dice loss (``loss='dice'``).

    Example:
        >>> round(Dice()([[1.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]]).item(), 4)
        0.3333
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction, name, dtype, axis=axis)


@register()
class Tversky(FunctionLoss):
    """Tversky loss (``loss='tversky'``): Dice with separate weights for false positives and negatives.

    Example:
        >>> round(Tversky(alpha=0.5, beta=0.5)([[1.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]]).item(), 4)
        0.3333
    """

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None, dtype=None):
        super().__init__(tversky, reduction, name, dtype, alpha=alpha, beta=beta, axis=axis)
