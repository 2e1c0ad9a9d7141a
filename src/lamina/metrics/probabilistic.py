"""Probabilistic metrics: running means of cross-entropies, KL divergence and Poisson loss.

They share the loss functions of :mod:`lamina.losses.probabilistic` (and its
``from_logits`` / ``label_smoothing`` options).

Example:
    >>> m = BinaryCrossentropy()
    >>> m.update_state([[0.0, 1.0]], [[0.4, 0.6]]); round(m.result().item(), 4)
    0.5108
"""
from lamina.losses import probabilistic as losses
from lamina.metrics.metric import register_metric
from lamina.metrics.reduction import FunctionMetric


@register_metric
class BinaryCrossentropy(FunctionMetric):
    """Running mean of the binary cross-entropy.

    Example:
        >>> m = BinaryCrossentropy(from_logits=True)
        >>> m.update_state([[1.0]], [[0.0]]); round(m.result().item(), 4)
        0.6931
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(
            losses.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


@register_metric
class CategoricalCrossentropy(FunctionMetric):
    """Running mean of the categorical cross-entropy (one-hot targets).

    Example:
        >>> m = CategoricalCrossentropy()
        >>> m.update_state([[0.0, 1.0]], [[0.3, 0.7]]); round(m.result().item(), 4)
        0.3567
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0, axis=-1):
        super().__init__(
            losses.categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
            label_smoothing=label_smoothing, axis=axis,
        )


@register_metric
class SparseCategoricalCrossentropy(FunctionMetric):
    """Running mean of the sparse categorical cross-entropy (integer labels).

    Example:
        >>> m = SparseCategoricalCrossentropy()
        >>> m.update_state([1], [[0.3, 0.7]]); round(m.result().item(), 4)
        0.3567
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, ignore_class=None, axis=-1):
        super().__init__(
            losses.sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
            ignore_class=ignore_class, axis=axis,
        )


@register_metric
class KLDivergence(FunctionMetric):
    """Running mean of the Kullback-Leibler divergence.

    Example:
        >>> m = KLDivergence()
        >>> m.update_state([[0.5, 0.5]], [[0.9, 0.1]]); round(m.result().item(), 4)
        0.5108
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


@register_metric
class Poisson(FunctionMetric):
    """Running mean of the Poisson loss.

    Example:
        >>> m = Poisson()
        >>> m.update_state([[1.0]], [[1.0]]); round(m.result().item(), 4)
        1.0
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(losses.poisson, name=name, dtype=dtype)
