"""How per-sample loss values become one number: sample weights, masks and reductions.

These are Keras 3's rules, written for torch tensors:

* ``'sum_over_batch_size'`` (the default) and ``'mean'``: the weighted sum divided by
  the number of loss *values* (not by the sum of the weights);
* ``'mean_with_sample_weight'``: the weighted sum divided by the sum of the weights;
* ``'sum'``: the weighted sum;
* ``'none'`` / ``None``: the weighted values, unreduced.

A mask (``_keras_mask`` on the prediction or on the loss values) zeroes the masked
entries; with a mean reduction the mean is then taken over the unmasked entries only.

Example:
    >>> values = torch.tensor([1.0, 2.0, 3.0, 4.0])
    >>> reduce_weighted_values(values, sample_weight=torch.tensor([1.0, 1.0, 0.0, 0.0])).item()
    0.75
    >>> reduce_weighted_values(values, reduction="sum").item()
    10.0
"""
import torch

from lamina.core.dtypes import to_torch_dtype
from lamina.core.tensors import convert_to_tensor

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)
_KERAS2_REDUCTIONS = {"auto": "sum_over_batch_size"}


class Reduction:
    """The reduction names as constants (``tf.keras.losses.Reduction`` of Keras 2).

    Example:
        >>> Reduction.SUM
        'sum'
    """

    AUTO = "sum_over_batch_size"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"
    MEAN = "mean"
    MEAN_WITH_SAMPLE_WEIGHT = "mean_with_sample_weight"

    @classmethod
    def all(cls):
        """Every valid reduction name.

        Example:
            >>> "sum" in Reduction.all()
            True
        """
        return REDUCTIONS


def standardize_reduction(reduction):
    """Check a reduction name (Keras 2's ``'auto'`` means ``'sum_over_batch_size'``).

    Example:
        >>> standardize_reduction("auto")
        'sum_over_batch_size'
    """
    if isinstance(reduction, str) and reduction in _KERAS2_REDUCTIONS:
        return _KERAS2_REDUCTIONS[reduction]
    if reduction not in REDUCTIONS:
        raise ValueError(f"Loss: invalid reduction={reduction!r}; expected one of {list(REDUCTIONS)}")
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make two tensors the same rank when they differ by a trailing axis of size 1.

    As Keras: the tensor with the extra trailing 1 is squeezed, except that a rank-1
    partner is expanded instead (when ``expand_rank_1``). Shapes only, no copies.

    Example:
        >>> a, b = squeeze_or_expand_to_same_rank(torch.zeros(4), torch.zeros(4, 1))
        >>> tuple(a.shape), tuple(b.shape)
        ((4, 1), (4, 1))
    """
    rank1, rank2 = x1.dim(), x2.dim()
    if rank1 == rank2:
        return x1, x2
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = x2.unsqueeze(-1)
        else:
            x1 = x1.squeeze(-1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = x1.unsqueeze(-1)
        else:
            x2 = x2.squeeze(-1)
    return x1, x2


def _as_float(x, dtype):
    if isinstance(x, torch.Tensor):
        return x if x.dtype == dtype else x.to(dtype)
    return convert_to_tensor(x, dtype=dtype)


def _align_weights(values, sample_weight):
    """Weights for leading axes of ``values`` gain trailing axes of size 1 (as in Keras 2).

    Keras 3 would broadcast a ``(batch,)`` weight against the *last* axis of
    ``(batch, steps)`` losses (an error, or wrong numbers when steps == batch).
    """
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    extra = values.dim() - sample_weight.dim()
    if extra > 0 and sample_weight.dim() > 0 and sample_weight.shape == values.shape[: sample_weight.dim()]:
        sample_weight = sample_weight.reshape(tuple(sample_weight.shape) + (1,) * extra)
    elif sample_weight.shape != values.shape:
        try:
            torch.broadcast_shapes(values.shape, sample_weight.shape)
        except RuntimeError:
            raise ValueError(
                f"sample_weight of shape {tuple(sample_weight.shape)} cannot be applied to loss values of shape "
                f"{tuple(values.shape)}: expected a weight per sample, shape {tuple(values.shape[:1])}, or a shape "
                "that broadcasts to the loss values"
            ) from None
    return values, sample_weight


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean mask into the sample weights (``None`` mask: weights unchanged).

    For mean reductions, unmasked entries get weight ``total / valid`` so that the
    mean over all entries equals the mean over the unmasked ones.

    Example:
        >>> apply_mask(None, torch.tensor([True, False]), torch.float32, "sum").tolist()
        [1.0, 0.0]
    """
    if mask is None:
        return sample_weight
    dtype = to_torch_dtype(dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        total = mask.numel()
        valid = mask.to(dtype).sum()
        mask_weight = torch.where(valid == 0, torch.zeros_like(valid), total / valid)
        float_mask = torch.where(mask.bool(), mask_weight, torch.zeros_like(mask_weight))
    else:
        float_mask = mask.to(dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = _as_float(sample_weight, dtype)
    float_mask, sample_weight = _align_weights(float_mask, sample_weight)
    return sample_weight * float_mask


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce already-weighted loss values (see the module docstring for the rules).

    Example:
        >>> reduce_values(torch.tensor([1.0, 3.0])).item()
        2.0
    """
    if reduction is None or reduction == "none" or values.dim() == 0 or tuple(values.shape) == (0,):
        return values
    if reduction == "sum" or values.numel() == 0:
        return values.sum()
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        loss, divisor = values.sum(), sample_weight.sum().to(values.dtype)
        return torch.where(divisor == 0, torch.zeros_like(loss), loss / divisor)
    return values.mean()  # the sum divided by the number of values (bit for bit)


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None):
    """Weight ``values`` by ``sample_weight`` and ``mask``, then reduce them.

    ``sample_weight`` may be per sample (``(batch,)`` or ``(batch, 1)``), per loss
    value, or anything that broadcasts to the values.

    Example:
        >>> reduce_weighted_values(torch.tensor([2.0, 4.0]), torch.tensor([0.5, 0.0]), reduction="sum").item()
        1.0
    """
    reduction = standardize_reduction(reduction)
    torch_dtype = to_torch_dtype(dtype) if dtype is not None else None
    if not isinstance(values, torch.Tensor) or (torch_dtype is not None and values.dtype != torch_dtype):
        values = _as_float(values, torch_dtype or to_torch_dtype(None))
    if mask is not None:
        sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = _as_float(sample_weight, values.dtype)
        values, sample_weight = _align_weights(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


__all__ = [
    "Reduction",
    "REDUCTIONS",
    "standardize_reduction",
    "squeeze_or_expand_to_same_rank",
    "apply_mask",
    "reduce_values",
    "reduce_weighted_values",
]
