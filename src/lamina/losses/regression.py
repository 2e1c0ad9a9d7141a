"""Regression losses: squared, absolute, percentage and logarithmic errors, Huber, log-cosh, cosine.

Each function returns one value per sample (the mean over the last axis, as Keras);
each class wraps its function with Keras's reductions and sample weighting.

Example:
    >>> mean_squared_error([[1.0, 0.0]], [[0.0, 0.0]]).tolist()
    [0.5]
    >>> MeanAbsoluteError()([[1.0, 0.0]], [[0.0, 0.0]]).item()
    0.5
"""
import math

import torch
import torch.nn.functional as F

from lamina.core import config
from lamina.core.registry import register
from lamina.losses.checks import check_broadcastable, prediction, symbolic_aware, target_like
from lamina.losses.loss import FunctionLoss, batch_mean_of
from lamina.losses.reduction import squeeze_or_expand_to_same_rank


def _prepare(name, y_true, y_pred):
    y_pred = prediction(y_pred)
    y_true = target_like(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable(name, y_true, y_pred)
    return y_true, y_pred


@symbolic_aware
def mean_squared_error(y_true, y_pred):
    """``mean((y_true - y_pred) ** 2, axis=-1)``.

    Example:
        >>> mean_squared_error(torch.tensor([[1.0, 2.0]]), torch.tensor([[1.0, 0.0]])).tolist()
        [2.0]
    """
    y_true, y_pred = _prepare("mean_squared_error", y_true, y_pred)
    return torch.mean(torch.square(y_true - y_pred), dim=-1)


@symbolic_aware
def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``.

    Example:
        >>> mean_absolute_error(torch.tensor([[1.0, 2.0]]), torch.tensor([[1.0, 0.0]])).tolist()
        [1.0]
    """
    y_true, y_pred = _prepare("mean_absolute_error", y_true, y_pred)
    return torch.mean(torch.abs(y_true - y_pred), dim=-1)


@symbolic_aware
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``.

    Example:
        >>> mean_absolute_percentage_error(torch.tensor([[2.0, 4.0]]), torch.tensor([[1.0, 4.0]])).tolist()
        [25.0]
    """
    y_true, y_pred = _prepare("mean_absolute_percentage_error", y_true, y_pred)
    diff = torch.abs((y_true - y_pred) / torch.clamp_min(torch.abs(y_true), config.epsilon()))
    return 100.0 * torch.mean(diff, dim=-1)


@symbolic_aware
def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)) ** 2, axis=-1)``.

    Example:
        >>> round(mean_squared_logarithmic_error(torch.tensor([[math.e - 1]]), torch.tensor([[0.0]])).item(), 4)
        1.0
    """
    y_true, y_pred = _prepare("mean_squared_logarithmic_error", y_true, y_pred)
    eps = config.epsilon()
    first_log = torch.log(torch.clamp_min(y_pred, eps) + 1.0)
    second_log = torch.log(torch.clamp_min(y_true, eps) + 1.0)
    return torch.mean(torch.square(first_log - second_log), dim=-1)


def l2_normalize(x, axis=-1):
    """``x / ||x||`` along ``axis``, as Keras (``x * min(rsqrt(sum(x**2)), 1/epsilon)``).

    Example:
        >>> l2_normalize(torch.tensor([3.0, 4.0])).tolist()
        [0.6000000238418579, 0.800000011920929]
    """
    inv_norm = torch.rsqrt(torch.sum(torch.square(x), dim=axis, keepdim=True))
    return x * torch.clamp_max(inv_norm, 1.0 / config.epsilon())


@symbolic_aware
def cosine_similarity(y_true, y_pred, axis=-1):
    """The *negative* cosine similarity along ``axis`` (-1 for parallel vectors), as a loss.

    Example:
        >>> cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[2.0, 0.0]])).tolist()
        [-1.0]
    """
    y_true, y_pred = _prepare("cosine_similarity", y_true, y_pred)
    return -torch.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), dim=axis)


@symbolic_aware
def huber(y_true, y_pred, delta=1.0):
    """Squared error for ``|error| <= delta``, linear beyond: ``delta * |error| - delta**2 / 2``.

    Example:
        >>> huber(torch.tensor([[0.0, 0.0]]), torch.tensor([[0.5, 3.0]])).tolist()
        [1.3125]
    """
    y_true, y_pred = _prepare("huber", y_true, y_pred)
    delta = torch.as_tensor(delta, dtype=y_pred.dtype, device=y_pred.device)
    error = y_pred - y_true
    abs_error = torch.abs(error)
    half = 0.5
    quadratic = half * torch.square(error)
    linear = delta * abs_error - half * torch.square(delta)
    return torch.mean(torch.where(abs_error <= delta, quadratic, linear), dim=-1)


@symbolic_aware
def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow.

    Example:
        >>> round(log_cosh(torch.tensor([[0.0]]), torch.tensor([[1.0]])).item(), 4)
        0.4338
    """
    y_true, y_pred = _prepare("log_cosh", y_true, y_pred)
    x = y_pred - y_true
    return torch.mean(x + F.softplus(x * -2.0) - math.log(2.0), dim=-1)


def _same_shape(y_true, y_pred):
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape or y_pred.numel() == 0:
        return None, None
    return y_true, y_pred


@batch_mean_of(mean_squared_error)
def _mean_squared_error_batch_mean(y_true, y_pred):
    y_true, y_pred = _same_shape(y_true, y_pred)
    return None if y_pred is None else F.mse_loss(y_pred, y_true)


@batch_mean_of(mean_absolute_error)
def _mean_absolute_error_batch_mean(y_true, y_pred):
    y_true, y_pred = _same_shape(y_true, y_pred)
    return None if y_pred is None else F.l1_loss(y_pred, y_true)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
logcosh = log_cosh


@register()
class MeanSquaredError(FunctionLoss):
    """Mean of squared errors (``loss='mse'``).

    Example:
        >>> MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).item()
        0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction, name, dtype)


@register()
class MeanAbsoluteError(FunctionLoss):
    """Mean of absolute errors (``loss='mae'``).

    Example:
        >>> MeanAbsoluteError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).item()
        0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction, name, dtype)


@register()
class MeanAbsolutePercentageError(FunctionLoss):
    """Mean absolute percentage error (``loss='mape'``).

    Example:
        >>> MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]).item()
        25.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction, name, dtype)


@register()
class MeanSquaredLogarithmicError(FunctionLoss):
    """Mean squared logarithmic error (``loss='msle'``).

    Example:
        >>> round(MeanSquaredLogarithmicError()([[0.0]], [[math.e - 1]]).item(), 4)
        1.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction, name, dtype)


@register()
class CosineSimilarity(FunctionLoss):
    """Negative cosine similarity along ``axis`` (-1 is best).

    Example:
        >>> CosineSimilarity()([[0.0, 1.0]], [[0.0, 3.0]]).item()
        -1.0
    """

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, reduction, name, dtype, axis=axis)


@register()
class Huber(FunctionLoss):
    """Huber loss: quadratic within ``delta`` of the target, linear beyond.

    Example:
        >>> Huber(delta=1.0)([[0.0, 0.0]], [[0.5, 3.0]]).item()
        1.3125
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction, name, dtype, delta=delta)


@register()
class LogCosh(FunctionLoss):
    """Mean of ``log(cosh(error))``: like MSE near zero, like MAE far away.

    Example:
        >>> round(LogCosh()([[0.0]], [[1.0]]).item(), 4)
        0.4338
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction, name, dtype)
