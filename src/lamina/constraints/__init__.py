"""Weight constraints (``keras.constraints``), applied after each optimizer update.

Example:
    >>> from lamina import constraints
    >>> constraints.NonNeg()(torch.tensor([-1.0, 2.0])).tolist()
    [0.0, 2.0]
"""
import torch

from lamina.core import config, registry
from lamina.core.identifiers import deserialize_object, lookup_name, serialize_object


class Constraint:
    """Base class: ``__call__(w)`` returns the projected weight.

    Example:
        >>> Constraint()(torch.ones(2)).tolist()
        [1.0, 1.0]
    """

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return torch.sqrt(torch.sum(torch.square(w), dim=axis, keepdim=True))


@registry.register()
class MaxNorm(Constraint):
    """Rescale so the norm along ``axis`` is at most ``max_value``.

    Example:
        >>> MaxNorm(1.0, axis=0)(torch.tensor([[3.0], [4.0]])).flatten().tolist()
        [0.6000000238418579, 0.800000011920929]
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = torch.clamp(norms, 0, self.max_value)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


@registry.register()
class NonNeg(Constraint):
    """Zero out negative weights.

    Example:
        >>> NonNeg()(torch.tensor([-2.0])).tolist()
        [0.0]
    """

    def __call__(self, w):
        return torch.clamp(w, min=0)


@registry.register()
class UnitNorm(Constraint):
    """Rescale to unit norm along ``axis``.

    Example:
        >>> UnitNorm(axis=0)(torch.tensor([[3.0], [4.0]])).flatten().tolist()
        [0.6000000238418579, 0.800000011920929]
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (config.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


@registry.register()
class MinMaxNorm(Constraint):
    """Keep the norm along ``axis`` within ``[min_value, max_value]``, moving ``rate`` of the way.

    Example:
        >>> w = MinMaxNorm(1.0, 1.0)(torch.tensor([[3.0], [4.0]]))
        >>> round(float(w.norm()), 5)
        1.0
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * torch.clamp(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


ALL_CONSTRAINTS = {
    "max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
    "MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm,
    "maxnorm": MaxNorm, "nonneg": NonNeg, "unitnorm": UnitNorm,
}
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm


def get(identifier):
    """A constraint from a name, config dict, instance or callable (``None`` stays ``None``).

    Example:
        >>> type(get("non_neg")).__name__
        'NonNeg'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return lookup_name(identifier, ALL_CONSTRAINTS, "constraint")()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier {identifier!r}: expected a name or a callable")


def serialize(constraint):
    """``{'class_name', 'config'}`` for a constraint.

    Example:
        >>> serialize(NonNeg())
        {'class_name': 'NonNeg', 'config': {}}
    """
    return serialize_object(constraint)


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize`.

    Example:
        >>> deserialize({"class_name": "UnitNorm", "config": {"axis": 1}}).axis
        1
    """
    return deserialize_object(config, ALL_CONSTRAINTS, "constraint", custom_objects)
