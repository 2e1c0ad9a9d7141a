"""``Lion``: sign-of-momentum updates (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms").

Example:
    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0, 1.0]))
    >>> _ = Lion(learning_rate=0.1).apply_gradients([(torch.tensor([3.0, -0.01]), w)])
    >>> [round(x, 4) for x in w.tolist()]
    [0.9, 1.1]
"""
import torch

from lamina.core import registry
from lamina.optimizers.optimizer import Optimizer


@registry.register()
class Lion(Optimizer):
    """Lion (``keras.optimizers.Lion``).

    ``w -= learning_rate * sign(b1*m + (1-b1)*g)``, then ``m = b2*m + (1-b2)*g``.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: in (0, 1] (0.9). beta_2: 0.99.
        **kwargs: the common arguments of :class:`Optimizer`.

    Example:
        >>> Lion().get_config()["beta_2"]
        0.99
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        if not 0 < beta_1 <= 1:
            raise ValueError(f"Lion: beta_1 must be in (0, 1] (else Lion degenerates to SignSGD); received beta_1={beta_1!r}")
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _build_slots(self, variables):
        self._momentums = self.add_optimizer_variables(variables, "momentum")

    def _update(self, params, grads, lr, index):
        m = self._select(self._momentums, index)
        directions = torch._foreach_mul(m, self.beta_1)
        torch._foreach_add_(directions, grads, alpha=1 - self.beta_1)
        torch._foreach_sign_(directions)
        torch._foreach_mul_(directions, lr)
        torch._foreach_sub_(params, directions)
        torch._foreach_mul_(m, self.beta_2)
        torch._foreach_add_(m, grads, alpha=1 - self.beta_2)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
