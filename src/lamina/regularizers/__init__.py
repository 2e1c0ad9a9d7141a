"""Weight and activity regularizers (``keras.regularizers``).

A regularizer maps a tensor to a scalar penalty that training adds to the loss.

Example:
    >>> from lamina import regularizers
    >>> float(regularizers.L2(0.1)(torch.tensor([1.0, 2.0])))
    0.5
"""
import torch

from lamina.core import registry
from lamina.core.identifiers import deserialize_object, lookup_name, serialize_object


def _check_factor(value, name, owner):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{owner}: {name} must be a non-negative number; received {name}={value!r}") from None
    if value < 0 or value != value:
        raise ValueError(f"{owner}: {name} must be a non-negative number; received {name}={value!r}")
    return value


class Regularizer:
    """Base class: ``__call__(x)`` returns a scalar penalty; ``get_config`` round-trips.

    Example:
        >>> class Half(Regularizer):
        ...     def __call__(self, x): return 0.5 * x.sum()
        >>> float(Half()(torch.ones(4)))
        2.0
    """

    def __call__(self, x):
        return torch.zeros((), dtype=x.dtype, device=x.device)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@registry.register()
class L1(Regularizer):
    """``l1 * sum(|x|)``.

    Example:
        >>> float(L1(0.3)(torch.tensor([-1.0, 2.0])))
        0.9000000357627869
    """

    def __init__(self, l1=0.01):
        self.l1 = _check_factor(l1, "l1", "L1")

    def __call__(self, x):
        return self.l1 * torch.sum(torch.abs(x))

    def get_config(self):
        return {"l1": self.l1}


@registry.register()
class L2(Regularizer):
    """``l2 * sum(x^2)``.

    Example:
        >>> float(L2(0.5)(torch.tensor([2.0])))
        2.0
    """

    def __init__(self, l2=0.01):
        self.l2 = _check_factor(l2, "l2", "L2")

    def __call__(self, x):
        return self.l2 * torch.sum(torch.square(x))

    def get_config(self):
        return {"l2": self.l2}


@registry.register()
class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x^2)`` (both default to 0, as in Keras 3; ``l1_l2`` is this class).

    Example:
        >>> float(L1L2(l1=1.0, l2=1.0)(torch.tensor([2.0])))
        6.0
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check_factor(l1, "l1", "L1L2")
        self.l2 = _check_factor(l2, "l2", "L1L2")

    def __call__(self, x):
        penalty = torch.zeros((), dtype=x.dtype, device=x.device)
        if self.l1:
            penalty = penalty + self.l1 * torch.sum(torch.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * torch.sum(torch.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@registry.register()
class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (``mode='rows'``) or columns of a 2-D kernel towards orthonormality.

    Example:
        >>> float(OrthogonalRegularizer(1.0)(torch.eye(2)))
        0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _check_factor(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode must be 'rows' or 'columns'; received mode={mode!r}")
        self.mode = mode

    def __call__(self, x):
        if x.dim() != 2:
            raise ValueError(f"OrthogonalRegularizer needs a 2-D input; received shape {tuple(x.shape)}")
        if self.mode == "columns":
            x = x.T
        x = torch.nn.functional.normalize(x, dim=1)
        product = x @ x.T
        size = product.shape[0]
        off_diagonal = product * (1 - torch.eye(size, dtype=x.dtype, device=x.device))
        return self.factor * 0.5 * torch.sum(torch.abs(off_diagonal)) / (size * (size - 1) / 2)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def l1(l1=0.01):
    """``L1(l1)``.

    Example:
        >>> l1(0.1).l1
        0.1
    """
    return L1(l1)


def l2(l2=0.01):
    """``L2(l2)``.

    Example:
        >>> l2(0.1).l2
        0.1
    """
    return L2(l2)


l1_l2 = L1L2  # Keras 3: the class itself, so l1_l2() penalises nothing unless given factors


ALL_REGULARIZERS = {"l1": L1, "l2": L2, "l1_l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2,
                    "orthogonal_regularizer": OrthogonalRegularizer,
                    "OrthogonalRegularizer": OrthogonalRegularizer}


def get(identifier):
    """A regularizer from a name, config dict, instance or callable (``None`` stays ``None``).

    Example:
        >>> type(get("l2")).__name__
        'L2'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return lookup_name(identifier, ALL_REGULARIZERS, "regularizer")()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier {identifier!r}: expected a name or a callable")


def serialize(regularizer):
    """``{'class_name', 'config'}`` for a regularizer.

    Example:
        >>> serialize(L1(0.5))
        {'class_name': 'L1', 'config': {'l1': 0.5}}
    """
    return serialize_object(regularizer)


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize`.

    Example:
        >>> deserialize({"class_name": "L2", "config": {"l2": 0.2}}).l2
        0.2
    """
    return deserialize_object(config, ALL_REGULARIZERS, "regularizer", custom_objects)
