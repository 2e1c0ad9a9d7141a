"""Probabilistic losses: binary, categorical and sparse cross-entropy (plain and focal), KL, Poisson.

Probabilities are clipped to ``[epsilon, 1 - epsilon]`` before any logarithm and
categorical predictions are renormalised to sum to one, exactly as Keras does;
``from_logits=True`` uses the numerically stable log-softmax / log-sigmoid forms.

Unlike Keras 3 on torch, binary cross-entropy accepts targets outside ``[0, 1]``
(TensorFlow computes the formula for them, and label-noise tricks produce 1.05).

Example:
    >>> round(binary_crossentropy([[1.0]], [[0.9]]).item(), 4)
    0.1054
    >>> round(sparse_categorical_crossentropy([1], [[0.2, 0.8]]).item(), 4)
    0.2231
"""
import warnings

import torch
import torch.nn.functional as F

from lamina.core import config
from lamina.core.registry import register
from lamina.losses.checks import (
    check_broadcastable,
    check_integer_targets,
    check_one_hot_targets,
    check_same_shape,
    prediction,
    symbolic_aware,
    target_like,
)
from lamina.losses.loss import FunctionLoss, batch_mean_of
from lamina.losses.reduction import squeeze_or_expand_to_same_rank

_NO_IGNORE_INDEX = -(2**62)  # torch's default ignore_index (-100) would silently drop that label


def _clip_probabilities(y_pred):
    eps = config.epsilon()
    return torch.clamp(y_pred, eps, 1.0 - eps)


def _binary_crossentropy_of_probabilities(target, output, reduction="none"):
    """``-(t log p + (1 - t) log(1 - p))`` of clipped probabilities (torch's formula), element-wise or averaged."""
    output = _clip_probabilities(output)
    if output.device.type == "cpu":
        try:  # torch's fused kernel; it rejects targets outside [0, 1] (and NaNs), which the formula handles
            return F.binary_cross_entropy(output, target, reduction=reduction)
        except RuntimeError:
            pass
    log_p = torch.clamp_min(torch.log(output), -100.0)
    log_1mp = torch.clamp_min(torch.log1p(-output), -100.0)
    bce = (target - 1.0) * log_1mp - target * log_p
    return bce if reduction == "none" else bce.mean()


def _smooth_binary(y_true, label_smoothing):
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing


def _prepare_binary(name, y_true, y_pred):
    y_pred = prediction(y_pred)
    y_true = target_like(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_same_shape(name, y_true, y_pred)
    return y_true, y_pred


@symbolic_aware
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over ``axis``.

    Args:
        y_true: targets, usually 0/1, the shape of ``y_pred``.
        y_pred: probabilities (or logits with ``from_logits=True``).
        label_smoothing: squeeze targets towards 0.5 by this fraction.

    Example:
        >>> round(binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]]).item(), 4)
        0.5108
    """
    y_true, y_pred = _prepare_binary("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        bce = F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    else:
        bce = _binary_crossentropy_of_probabilities(y_true, y_pred)
    return torch.mean(bce, dim=axis)


@batch_mean_of(binary_crossentropy)
def _binary_crossentropy_batch_mean(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred = _prepare_binary("binary_crossentropy", y_true, y_pred)
    if y_pred.numel() == 0:
        return None
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        return F.binary_cross_entropy_with_logits(y_pred, y_true)
    return _binary_crossentropy_of_probabilities(y_true, y_pred, reduction="mean")


@symbolic_aware
def binary_focal_crossentropy(
    y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Binary cross-entropy scaled by ``(1 - p_t) ** gamma`` to focus on hard examples.

    With ``apply_class_balancing``, positives are weighted by ``alpha`` and negatives
    by ``1 - alpha``.

    Example:
        >>> round(binary_focal_crossentropy([[1.0]], [[0.9]], gamma=2.0).item(), 6)
        0.001054
    """
    y_true, y_pred = _prepare_binary("binary_focal_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        y_pred = torch.sigmoid(y_pred)
    bce = _binary_crossentropy_of_probabilities(y_true, y_pred)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_bce = torch.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal_bce
    return torch.mean(focal_bce, dim=axis)


def _check_axis(name, axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"{name}: axis must be an int; received axis={axis!r}")


def _warn_single_class(name, y_pred):
    if y_pred.dim() and y_pred.shape[-1] == 1:
        warnings.warn(
            f"{name} expects y_pred of shape (batch_size, num_classes) with num_classes > 1; received "
            f"y_pred.shape={tuple(y_pred.shape)}, for which the loss is always 0. Use binary_crossentropy "
            "for two classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _prepare_categorical(name, y_true, y_pred, axis, label_smoothing):
    _check_axis(name, axis)
    y_pred = prediction(y_pred)
    y_true = target_like(y_true, y_pred)
    _warn_single_class(name, y_pred)
    check_one_hot_targets(name, y_true, y_pred, axis)
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return y_true, y_pred


def _normalized_probabilities(y_pred, axis):
    return _clip_probabilities(y_pred / torch.sum(y_pred, dim=axis, keepdim=True))


@symbolic_aware
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy between one-hot (or soft) targets and class probabilities along ``axis``.

    Predictions are renormalised to sum to one and clipped, as Keras does.

    Example:
        >>> round(categorical_crossentropy([[0.0, 1.0, 0.0]], [[0.2, 0.7, 0.1]]).item(), 4)
        0.3567
    """
    y_true, y_pred = _prepare_categorical("categorical_crossentropy", y_true, y_pred, axis, label_smoothing)
    if from_logits:
        log_prob = F.log_softmax(y_pred, dim=axis)
    else:
        log_prob = torch.log(_normalized_probabilities(y_pred, axis))
    return -torch.sum(y_true * log_prob, dim=axis)


@batch_mean_of(categorical_crossentropy)
def _categorical_crossentropy_batch_mean(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred = _prepare_categorical("categorical_crossentropy", y_true, y_pred, axis, label_smoothing)
    if y_pred.numel() == 0:
        return None
    if from_logits:
        log_prob = F.log_softmax(y_pred, dim=axis)
    else:
        log_prob = torch.log(_normalized_probabilities(y_pred, axis))
    return torch.sum(y_true * log_prob) / -(y_pred.numel() // y_pred.shape[axis])


@symbolic_aware
def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical cross-entropy scaled per class by ``alpha * (1 - p) ** gamma``.

    Example:
        >>> round(categorical_focal_crossentropy([[0.0, 1.0]], [[0.1, 0.9]]).item(), 6)
        0.000263
    """
    name = "categorical_focal_crossentropy"
    y_true, y_pred = _prepare_categorical(name, y_true, y_pred, axis, label_smoothing)
    if from_logits:
        y_pred = torch.softmax(y_pred, dim=axis)
    output = _normalized_probabilities(y_pred, axis)
    cce = -y_true * torch.log(output)
    weighting_factor = torch.pow(1.0 - output, gamma) * alpha
    return torch.sum(weighting_factor * cce, dim=axis)


def _sparse_crossentropy(target, output, from_logits, axis, num_classes, reduction="none"):
    if output.dim() == 1:
        output, target, squeeze = output.unsqueeze(0), target.unsqueeze(0), True
    else:
        squeeze = False
        class_axis = axis % output.dim()
        if class_axis != 1:
            output = output.movedim(class_axis, 1)
    try:
        if from_logits:
            result = F.cross_entropy(output, target, reduction=reduction, ignore_index=_NO_IGNORE_INDEX)
        else:
            log_prob = torch.log(_normalized_probabilities(output, 1))
            result = F.nll_loss(log_prob, target, reduction=reduction, ignore_index=_NO_IGNORE_INDEX)
    except (IndexError, RuntimeError) as error:
        if "out of bounds" not in str(error):
            raise
        raise ValueError(
            f"sparse_categorical_crossentropy: class labels must be integers in [0, {num_classes}) for "
            f"predictions with {num_classes} classes; received a label outside that range ({error})"
        ) from None
    return result.squeeze(0) if squeeze and reduction == "none" else result


@symbolic_aware
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy between integer class labels and class probabilities along ``axis``.

    Labels of shape ``(batch,)`` or ``(batch, 1)`` index the classes of a
    ``(batch, num_classes)`` prediction. With ``ignore_class``, that label's entries
    give 0 and are masked out of the mean.

    Example:
        >>> round(sparse_categorical_crossentropy([1], [[0.2, 0.7, 0.1]]).item(), 4)
        0.3567
    """
    name = "sparse_categorical_crossentropy"
    _check_axis(name, axis)
    y_pred = prediction(y_pred)
    if not isinstance(y_true, torch.Tensor):
        y_true = target_like(y_true, y_pred)
    y_true = check_integer_targets(name, y_true, y_pred, axis)
    num_classes = y_pred.shape[axis]
    valid_mask = None
    if ignore_class is not None:
        valid_mask = y_true != ignore_class
        y_true = torch.where(valid_mask, y_true, torch.zeros_like(y_true))
        y_pred = torch.where(valid_mask.unsqueeze(axis), y_pred, torch.zeros_like(y_pred))
    if y_true.device != y_pred.device:
        y_true = y_true.to(y_pred.device)
    result = _sparse_crossentropy(y_true.long(), y_pred, from_logits, axis, num_classes)
    if valid_mask is not None:
        result = torch.where(valid_mask, result, torch.zeros_like(result))
        result._keras_mask = valid_mask
    return result


@batch_mean_of(sparse_categorical_crossentropy)
def _sparse_categorical_crossentropy_batch_mean(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    name = "sparse_categorical_crossentropy"
    if ignore_class is not None or isinstance(axis, bool) or not isinstance(axis, int):
        return None
    y_true = check_integer_targets(name, y_true, y_pred, axis)
    if y_pred.numel() == 0:
        return None
    if y_true.device != y_pred.device:
        y_true = y_true.to(y_pred.device)
    return _sparse_crossentropy(y_true.long(), y_pred, from_logits, axis, y_pred.shape[axis], reduction="mean")


@symbolic_aware
def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred), axis=-1)`` of clipped probabilities.

    Example:
        >>> round(kl_divergence([[0.5, 0.5]], [[0.9, 0.1]]).item(), 4)
        0.5108
    """
    y_pred = prediction(y_pred)
    y_true = target_like(y_true, y_pred)
    check_broadcastable("kl_divergence", y_true, y_pred)
    eps = config.epsilon()
    y_true = torch.clamp(y_true, eps, 1)
    y_pred = torch.clamp(y_pred, eps, 1)
    return torch.sum(y_true * torch.log(y_true / y_pred), dim=-1)


@symbolic_aware
def poisson(y_true, y_pred):
    """Poisson loss ``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``.

    Example:
        >>> round(poisson([[1.0]], [[1.0]]).item(), 4)
        1.0
    """
    y_pred = prediction(y_pred)
    y_true = target_like(y_true, y_pred)
    check_broadcastable("poisson", y_true, y_pred)
    return torch.mean(y_pred - y_true * torch.log(y_pred + config.epsilon()), dim=-1)


bce = BCE = binary_crossentropy
kld = KLD = kullback_leibler_divergence = kl_divergence


@register()
class BinaryCrossentropy(FunctionLoss):
    """Binary cross-entropy (``loss='binary_crossentropy'``) with ``from_logits`` and ``label_smoothing``.

    Example:
        >>> round(BinaryCrossentropy()([[0.0], [1.0]], [[0.4], [0.6]]).item(), 4)
        0.5108
    """

    def __init__(
        self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
        name="binary_crossentropy", dtype=None,
    ):
        super().__init__(
            binary_crossentropy, reduction, name, dtype, from_logits=from_logits, label_smoothing=label_smoothing,
            axis=axis,
        )


@register()
class BinaryFocalCrossentropy(FunctionLoss):
    """Binary focal cross-entropy (down-weights easy examples by ``(1 - p_t) ** gamma``).

    Example:
        >>> round(BinaryFocalCrossentropy(gamma=2.0)([[1.0]], [[0.9]]).item(), 6)
        0.001054
    """

    def __init__(
        self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
        reduction="sum_over_batch_size", name="binary_focal_crossentropy", dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy, reduction, name, dtype, apply_class_balancing=apply_class_balancing,
            alpha=alpha, gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis,
        )


@register()
class CategoricalCrossentropy(FunctionLoss):
    """Categorical cross-entropy for one-hot targets (``loss='categorical_crossentropy'``).

    Example:
        >>> round(CategoricalCrossentropy()([[0.0, 1.0]], [[0.3, 0.7]]).item(), 4)
        0.3567
    """

    def __init__(
        self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
        name="categorical_crossentropy", dtype=None,
    ):
        super().__init__(
            categorical_crossentropy, reduction, name, dtype, from_logits=from_logits,
            label_smoothing=label_smoothing, axis=axis,
        )


@register()
class CategoricalFocalCrossentropy(FunctionLoss):
    """Categorical focal cross-entropy (``alpha * (1 - p) ** gamma`` weighting per class).

    Example:
        >>> round(CategoricalFocalCrossentropy()([[0.0, 1.0]], [[0.1, 0.9]]).item(), 6)
        0.000263
    """

    def __init__(
        self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
        reduction="sum_over_batch_size", name="categorical_focal_crossentropy", dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy, reduction, name, dtype, alpha=alpha, gamma=gamma,
            from_logits=from_logits, label_smoothing=label_smoothing, axis=axis,
        )


@register()
class SparseCategoricalCrossentropy(FunctionLoss):
    """Categorical cross-entropy for integer labels (``loss='sparse_categorical_crossentropy'``).

    Example:
        >>> round(SparseCategoricalCrossentropy()([1, 0], [[0.3, 0.7], [0.7, 0.3]]).item(), 4)
        0.3567
    """

    def __init__(
        self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
        name="sparse_categorical_crossentropy", dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy, reduction, name, dtype, from_logits=from_logits,
            ignore_class=ignore_class, axis=axis,
        )


@register()
class KLDivergence(FunctionLoss):
    """Kullback-Leibler divergence between target and predicted distributions.

    Example:
        >>> round(KLDivergence()([[0.5, 0.5]], [[0.9, 0.1]]).item(), 4)
        0.5108
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction, name, dtype)


@register()
class Poisson(FunctionLoss):
    """Poisson loss, for count targets.

    Example:
        >>> round(Poisson()([[1.0]], [[1.0]]).item(), 4)
        1.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction, name, dtype)
