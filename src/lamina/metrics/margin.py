"""Hinge metrics: running means of the hinge, squared hinge and categorical hinge losses.

Example:
    >>> m = Hinge()
    >>> m.update_state([[-1.0, 1.0]], [[-0.5, 2.0]]); m.result().item()
    0.25
"""
from lamina.losses import margin as losses
from lamina.metrics.metric import register_metric
from lamina.metrics.reduction import FunctionMetric


@register_metric
class Hinge(FunctionMetric):
    """Running mean of the hinge loss.

    Example:
        >>> m = Hinge()
        >>> m.update_state([[1.0]], [[0.5]]); m.result().item()
        0.5
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(losses.hinge, name=name, dtype=dtype)


@register_metric
class SquaredHinge(FunctionMetric):
    """Running mean of the squared hinge loss.

    Example:
        >>> m = SquaredHinge()
        >>> m.update_state([[1.0]], [[0.5]]); m.result().item()
        0.25
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(losses.squared_hinge, name=name, dtype=dtype)


@register_metric
class CategoricalHinge(FunctionMetric):
    """Running mean of the categorical hinge loss.

    Example:
        >>> m = CategoricalHinge()
        >>> m.update_state([[0.0, 1.0]], [[0.3, 0.8]]); m.result().item()
        0.5
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(losses.categorical_hinge, name=name, dtype=dtype)
