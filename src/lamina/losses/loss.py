"""``Loss``, the base class of every loss object, and ``LossFunctionWrapper``.

A loss object turns ``(y_true, y_pred, sample_weight)`` into one scalar (or into
per-value losses with ``reduction='none'``): ``call`` computes per-sample values,
``__call__`` converts the inputs to the loss dtype, applies the sample weights and any
mask, and reduces (see :mod:`lamina.losses.reduction`).

Example:
    >>> class MeanCubed(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return torch.mean((y_pred - y_true) ** 3, dim=-1)
    >>> MeanCubed()(torch.zeros(2, 2), torch.ones(2, 2)).item()
    1.0
"""
import numpy as np
import torch

from lamina.core import config, tree
from lamina.core.dtypes import dtype_name, to_torch_dtype
from lamina.core.naming import to_snake_case, unique_name
from lamina.core.registry import register
from lamina.core.symbolic import KerasTensor, any_symbolic, symbolic_call
from lamina.core.tensors import convert_to_tensor
from lamina.losses.reduction import reduce_weighted_values, squeeze_or_expand_to_same_rank, standardize_reduction


def compute_dtype(dtype):
    """The computation dtype name for ``dtype``: a name, a torch dtype, a policy or ``None`` (floatx).

    Example:
        >>> compute_dtype("mixed_float16"), compute_dtype(None)
        ('float16', 'float32')
    """
    if dtype is None:
        return config.floatx()
    policy_dtype = getattr(dtype, "compute_dtype", None)
    if policy_dtype is not None:
        return dtype_name(policy_dtype)
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        return dtype_name(dtype[len("mixed_") :])
    return dtype_name(dtype)


def _get_mask(x):
    return getattr(x, "_keras_mask", None) if isinstance(x, torch.Tensor) else None


_BATCH_MEANS = {}
_MEAN_REDUCTIONS = ("sum_over_batch_size", "mean")


def batch_mean_of(fn):
    """Register a fused form of loss function ``fn`` for the common case of a training step.

    The decorated ``batch_mean(y_true, y_pred, **kwargs)`` returns what
    ``LossFunctionWrapper(fn, **kwargs)`` gives with the default reduction, no sample
    weights and no mask (the mean of the per-sample values), in fewer tensor operations
    (equal up to float rounding); it returns ``None`` when it cannot (for example when the
    shapes need broadcasting), and the general path runs instead.

    Example:
        >>> from lamina.losses.regression import mean_absolute_error
        >>> LossFunctionWrapper(mean_absolute_error)._batch_mean is not None
        True
    """

    def decorate(batch_mean):
        _BATCH_MEANS[fn] = batch_mean
        return batch_mean

    return decorate


@register()
class Loss:
    """Base class of losses: subclass it and implement ``call(y_true, y_pred)``.

    Args:
        name: the loss name (default: the class name in snake case).
        reduction: ``'sum_over_batch_size'`` (default), ``'sum'``, ``'mean'``,
            ``'mean_with_sample_weight'``, ``'none'`` or ``None``.
        dtype: computation dtype (default ``floatx()``); inputs are cast to it.

    ``call`` returns one value per sample (or per time step...); ``__call__`` weights
    them with ``sample_weight`` and a ``_keras_mask`` of ``y_pred`` and reduces.

    Example:
        >>> class L1(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return torch.abs(y_pred - y_true).sum(dim=-1)
        >>> L1(reduction="sum")(torch.zeros(3, 2), torch.ones(3, 2)).item()
        6.0
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = compute_dtype(dtype)
        self._torch_dtype = to_torch_dtype(self._dtype)

    @property
    def dtype(self):
        """The computation dtype name (``'float32'``)."""
        return self._dtype

    def _convert(self, x):
        if isinstance(x, torch.Tensor):
            return x if x.dtype == self._torch_dtype else x.to(self._torch_dtype)
        if isinstance(x, dict) or (
            isinstance(x, (list, tuple)) and any(isinstance(v, (torch.Tensor, np.ndarray, dict)) for v in x)
        ):
            return tree.map_structure(self._convert, x)  # several tensors (a multi-tensor loss)
        return convert_to_tensor(x, dtype=self._torch_dtype)

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduced, weighted loss of a batch.

        Example:
            >>> from lamina.losses import MeanSquaredError
            >>> MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]], sample_weight=[2.0]).item()
            1.0
        """
        if isinstance(y_pred, KerasTensor) or isinstance(y_true, KerasTensor) or (
            tree.is_nested(y_pred) and any_symbolic((y_true, y_pred))
        ):
            return symbolic_call(self._weighted_loss, (y_true, y_pred, sample_weight), name=self.name)
        return self._weighted_loss(y_true, y_pred, sample_weight)

    def _weighted_loss(self, y_true, y_pred, sample_weight):
        in_mask = _get_mask(y_pred)
        losses = self.call(self._convert(y_true), self._convert(y_pred))
        out_mask = _get_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = in_mask & out_mask
        else:
            mask = in_mask if out_mask is None else out_mask
        return reduce_weighted_values(losses, sample_weight, mask, self.reduction, self._torch_dtype)

    def call(self, y_true, y_pred):
        """Per-sample loss values; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred)")

    def get_config(self):
        """``{'name', 'reduction', 'dtype'}`` plus the subclass's arguments.

        Example:
            >>> Loss(name="l").get_config()
            {'name': 'l', 'reduction': 'sum_over_batch_size', 'dtype': 'float32'}
        """
        return {"name": self.name, "reduction": self.reduction, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """Rebuild a loss from :meth:`get_config`'s output.

        Example:
            >>> Loss.from_config({"name": "l", "reduction": "sum"}).reduction
            'sum'
        """
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, reduction={self.reduction}>"


def function_name(fn):
    """The name a loss/metric function is known by: ``fn.name``, ``fn.__name__`` or its class name.

    Example:
        >>> function_name(lambda y_true, y_pred: 0)
        '<lambda>'
    """
    name = getattr(fn, "name", None)
    if isinstance(name, str):
        return name
    name = getattr(fn, "__name__", None)
    if isinstance(name, str):
        return name
    return to_snake_case(type(fn).__name__)


@register()
class LossFunctionWrapper(Loss):
    """Turn a function ``fn(y_true, y_pred, **kwargs)`` returning per-sample losses into a Loss.

    ``y_true`` and ``y_pred`` first lose or gain a trailing axis of size 1 so their ranks
    match (``(batch,)`` labels against ``(batch, 1)`` predictions). Without ``name``,
    the loss is named after the function.

    Example:
        >>> def l1(y_true, y_pred):
        ...     return torch.abs(y_pred - y_true).mean(dim=-1)
        >>> loss = LossFunctionWrapper(l1)
        >>> loss.name, loss([1.0, 2.0], [[2.0], [2.0]]).item()
        ('l1', 0.5)
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper: fn must be callable; received {fn!r}")
        super().__init__(name=name or function_name(fn), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs
        self._batch_mean = _BATCH_MEANS.get(fn)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if (
            self._batch_mean is not None
            and sample_weight is None
            and self.reduction in _MEAN_REDUCTIONS
            and isinstance(y_pred, torch.Tensor)
            and isinstance(y_true, torch.Tensor)
            and getattr(y_pred, "_keras_mask", None) is None
        ):
            loss = self._batch_mean(self._convert(y_true), self._convert(y_pred), **self._fn_kwargs)
            if loss is not None:
                return loss
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred):
        if isinstance(y_true, torch.Tensor) and isinstance(y_pred, torch.Tensor):
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from lamina.losses.serialization import serialize_function

        config = super().get_config()
        config["fn"] = serialize_function(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            from lamina.losses.serialization import deserialize_function

            config["fn"] = deserialize_function(config["fn"])
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({function_name(self.fn)}, kwargs={self._fn_kwargs})>"


class FunctionLoss(LossFunctionWrapper):
    """Base of the built-in loss classes: a function fixed by the class, plus its arguments.

    The keyword arguments become attributes (``loss.from_logits``) and config entries;
    the function itself is not part of the config (the class name says it).

    Example:
        >>> from lamina.losses.regression import huber
        >>> class MyHuber(FunctionLoss):
        ...     def __init__(self, delta=2.0, reduction="sum_over_batch_size", name="my_huber", dtype=None):
        ...         super().__init__(huber, reduction, name, dtype, delta=delta)
        >>> MyHuber().delta, MyHuber().get_config()["delta"]
        (2.0, 2.0)
    """

    def __init__(self, fn, reduction, name, dtype, **kwargs):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self):
        config = Loss.get_config(self)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return Loss.__repr__(self)
