"""``AdamW``: Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

Example:
    >>> AdamW().weight_decay
    0.004
"""
from lamina.core import registry
from lamina.optimizers.adam import Adam


@registry.register()
class AdamW(Adam):
    """Adam whose weights also shrink by ``w *= 1 - weight_decay * learning_rate`` before each update.

    Args:
        learning_rate: float or schedule (default 0.001).
        weight_decay: 0.004 (must be a number).
        beta_1, beta_2, epsilon, amsgrad: as in :class:`Adam`.
        **kwargs: the common arguments of :class:`Optimizer`.

    Example:
        >>> opt = AdamW(weight_decay=0.01)
        >>> opt.exclude_from_weight_decay(var_names=["bias"])
    """

    def __init__(
        self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs
    ):
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a float; received weight_decay=None")
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )
