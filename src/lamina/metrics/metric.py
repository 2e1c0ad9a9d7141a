"""``Metric``: the base class of stateful metrics.

A metric keeps its state in Variables (torch tensors) created with
:meth:`Metric.add_variable`; ``update_state`` changes them in place and never reads a
value back to Python, so accumulating a metric costs no host sync; ``result()``
returns a tensor, and only the caller decides when to turn it into a float.
``update_state`` always runs without autograd.

Example:
    >>> class CountPositives(Metric):
    ...     def __init__(self, name="count_positives", dtype=None):
    ...         super().__init__(name=name, dtype=dtype)
    ...         self.count = self.add_variable(shape=(), name="count")
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.count.add_(torch.sum(torch.as_tensor(y_pred) > 0))
    ...     def result(self):
    ...         return self.count.clone()
    >>> m = CountPositives()
    >>> m.update_state(None, [1.0, -1.0, 2.0]); m.result().item()
    2.0
"""
import functools

import torch

from lamina.core import registry
from lamina.core.dtypes import to_torch_dtype
from lamina.core.naming import to_snake_case, unique_name
from lamina.core.variable import Variable
from lamina.losses.loss import compute_dtype


def register_metric(cls):
    """Register a metric class by name; names a loss already uses get the prefix ``'metrics>'``.

    (``MeanSquaredError`` is both a loss and a metric; ``lamina.metrics.deserialize`` finds
    the metric either way.)

    Example:
        >>> @register_metric
        ... class Median(Metric):
        ...     pass
        >>> registry.lookup("Median") is Median
        True
    """
    taken = registry.lookup(cls.__name__)
    if taken is None or taken.__module__.startswith("lamina.metrics"):
        return registry.register(package="metrics")(cls)
    return registry.register(name=f"metrics>{cls.__name__}")(cls)


def _without_autograd(update_state):
    @functools.wraps(update_state)
    def wrapper(self, *args, **kwargs):
        if not torch.is_grad_enabled():  # already inside no_grad (the trainer, a nested update)
            return update_state(self, *args, **kwargs)
        with torch.no_grad():
            return update_state(self, *args, **kwargs)

    wrapper._lamina_no_grad = True
    return wrapper


@register_metric
class Metric:
    """Base class of metrics: state in variables, ``update_state``, ``result``, ``reset_state``.

    Args:
        name: the metric name, used as the key in ``History`` and the logs
            (default: the class name in snake case, made unique).
        dtype: dtype of the state and of the result (default ``floatx()``).

    Subclasses create their state in ``__init__`` with :meth:`add_variable` and
    implement ``update_state(*args, **kwargs)`` and ``result()``; ``reset_state`` zeroes
    every variable unless overridden.

    Example:
        >>> from lamina.metrics import Mean
        >>> m = Mean()
        >>> m.update_state([1.0, 2.0]); m.update_state([6.0])
        >>> m.result().item()
        3.0
        >>> m.reset_state(); m.result().item()
        0.0
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        update_state = cls.__dict__.get("update_state")
        if update_state is not None and not getattr(update_state, "_lamina_no_grad", False):
            cls.update_state = _without_autograd(update_state)

    def __init__(self, name=None, dtype=None):
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._dtype = compute_dtype(dtype)
        self._torch_dtype = to_torch_dtype(self._dtype)
        self._variables = []
        self._metrics = []

    @property
    def dtype(self):
        """The dtype name of the state and result (``'float32'``)."""
        return self._dtype

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum", name=None):
        """Create a non-trainable state variable, tracked in :attr:`variables`.

        Example:
            >>> m = Metric(name="m")
            >>> m.add_variable(shape=(3,), name="counts").path
            'm/counts'
        """
        if not hasattr(self, "_variables"):
            raise RuntimeError(
                f"{type(self).__name__}.add_variable: call super().__init__() in __init__ before creating state"
            )
        from lamina import initializers

        torch_dtype = to_torch_dtype(dtype) if dtype is not None else self._torch_dtype
        initializer = initializers.get(initializer if initializer is not None else "zeros")
        name = name or f"variable_{len(self._variables)}"
        variable = Variable(initializer, shape=tuple(shape), dtype=torch_dtype, trainable=False, name=name)
        variable._path = f"{self.name}/{name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, name=None, shape=(), initializer=None, dtype=None, **kwargs):
        """Keras 2 spelling of :meth:`add_variable` (``add_weight(name, shape=..., initializer=...)``).

        Example:
            >>> Metric(name="m").add_weight("total", initializer="zeros").name
            'total'
        """
        if not isinstance(name, (str, type(None))):  # Keras 3 order: add_weight(shape, initializer, ...)
            name, shape = kwargs.pop("name", None), name
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """All state variables, including those of nested metrics.

        Example:
            >>> from lamina.metrics import Mean
            >>> [v.name for v in Mean().variables]
            ['total', 'count']
        """
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def update_state(self, *args, **kwargs):
        """Accumulate statistics from one batch; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_state()")

    def result(self):
        """The metric value as a tensor; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement result()")

    def reset_state(self):
        """Zero every state variable in place.

        Example:
            >>> from lamina.metrics import Sum
            >>> s = Sum(); s.update_state([3.0]); s.reset_state(); s.result().item()
            0.0
        """
        with torch.no_grad():
            for variable in self.variables:
                variable.zero_()

    def reset_states(self):
        """Keras 2 spelling of :meth:`reset_state`."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        """``update_state(*args, **kwargs)`` then ``result()``.

        Example:
            >>> from lamina.metrics import Mean
            >>> Mean()([2.0, 4.0]).item()
            3.0
        """
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        """``{'name', 'dtype'}`` plus the subclass's arguments.

        Example:
            >>> Metric(name="m").get_config()
            {'name': 'm', 'dtype': 'float32'}
        """
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """Rebuild a metric from :meth:`get_config`'s output."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
