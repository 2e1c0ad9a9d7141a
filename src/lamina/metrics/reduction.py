"""Reduction metrics: ``Sum``, ``Mean`` and ``MeanMetricWrapper`` (the mean of any per-sample function).

Sample weights follow Keras: values are first reduced to one per sample (mean over the
non-batch axes), weighted, and the weighted mean divides by the sum of the weights.

Example:
    >>> m = Mean()
    >>> m.update_state([1.0, 3.0], sample_weight=[1.0, 3.0])
    >>> m.result().item()
    2.5
"""
import numbers

import torch

from lamina.core.tensors import convert_to_tensor
from lamina.losses.loss import function_name
from lamina.losses.reduction import apply_mask, squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric, register_metric


def _values(x, dtype):
    if isinstance(x, torch.Tensor):
        return x if x.dtype == dtype else x.to(dtype)
    return convert_to_tensor(x, dtype=dtype)


def _reduce(reduce_fn, x, start):
    if x.dim() <= start:
        return x
    return reduce_fn(x, dim=tuple(range(start, x.dim())))


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """One value per sample (``reduce_fn`` over the non-batch axes), weighted by ``sample_weight``.

    Returns ``(values, sample_weight)``; the weights are reduced to one per sample too.
    A Python number as ``sample_weight`` weights the whole batch.

    Example:
        >>> v, w = reduce_to_samplewise_values(torch.ones(2, 3), torch.tensor([1.0, 2.0]), torch.mean, torch.float32)
        >>> v.tolist(), w.tolist()
        ([1.0, 2.0], [1.0, 2.0])
    """
    mask = getattr(values, "_keras_mask", None)
    values = _values(values, dtype)
    if sample_weight is not None:
        if isinstance(sample_weight, numbers.Number) and mask is None:
            return _reduce(reduce_fn, values, 0) * sample_weight, sample_weight
        sample_weight = _values(sample_weight, dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype, "sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = sample_weight.dim()
        values = _reduce(reduce_fn, values, weight_ndim)
        sample_weight = torch.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = _reduce(reduce_fn, sample_weight, 1)
    return _reduce(reduce_fn, values, 1), sample_weight


@register_metric
class Sum(Metric):
    """The (weighted) sum of all values seen.

    Example:
        >>> s = Sum()
        >>> s.update_state([1.0, 2.0]); s.update_state(torch.tensor([[3.0, 4.0]]))
        >>> s.result().item()
        10.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, torch.sum, self._torch_dtype)
        self.total.add_(torch.sum(values))

    def result(self):
        return self.total.clone()


@register_metric
class Mean(Metric):
    """The (weighted) mean of all values seen: ``sum(w * x) / sum(w)``.

    Example:
        >>> m = Mean()
        >>> m.update_state([1.0, 2.0]); m.update_state([6.0])
        >>> m.result().item()
        3.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), name="total")
        self.count = self.add_variable(shape=(), name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, torch.mean, self._torch_dtype)
        self.total.add_(torch.sum(values))
        if sample_weight is not None:
            self.count.add_(torch.sum(sample_weight) if isinstance(sample_weight, torch.Tensor) else sample_weight)
        else:
            self.count.add_(values.shape[0] if values.dim() else 1)

    def result(self):
        count = self.count
        return torch.where(count == 0, torch.zeros_like(self.total), self.total / count)


@register_metric
class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    Custom metric functions given to ``compile(metrics=[...])`` are wrapped in it and
    named after the function. ``y_true`` and ``y_pred`` first lose or gain a trailing
    axis of size 1 so their ranks match (as for losses).

    Example:
        >>> def within_one(y_true, y_pred):
        ...     return (torch.abs(y_true - y_pred) <= 1).float().mean(dim=-1)
        >>> m = MeanMetricWrapper(within_one)
        >>> m.update_state([[0.0], [0.0]], [[0.5], [3.0]])
        >>> m.name, m.result().item()
        ('within_one', 0.5)
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be callable; received {fn!r}")
        super().__init__(name=name or function_name(fn), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = y_pred if isinstance(y_pred, torch.Tensor) else convert_to_tensor(y_pred)
        y_true = y_true if isinstance(y_true, torch.Tensor) else convert_to_tensor(y_true)
        mask = getattr(y_pred, "_keras_mask", None)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, self._torch_dtype, "sum")
        super().update_state(values, sample_weight)

    def get_config(self):
        from lamina.losses.serialization import serialize_function

        config = super().get_config()
        config["fn"] = serialize_function(self._fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            from lamina.metrics.serialization import deserialize_function

            config["fn"] = deserialize_function(config["fn"])
        return cls(**config)


class FunctionMetric(MeanMetricWrapper):
    """Base of the built-in function metrics: a MeanMetricWrapper whose function is fixed by the class.

    The function's keyword arguments become attributes (``metric.threshold``) and config
    entries next to the name and dtype; the function itself is not part of the config.

    Example:
        >>> from lamina.metrics import BinaryAccuracy
        >>> BinaryAccuracy(threshold=0.7).get_config()
        {'name': 'binary_accuracy', 'dtype': 'float32', 'threshold': 0.7}
    """

    def __init__(self, fn, name, dtype, **kwargs):
        super().__init__(fn, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
