"""``Adamax``: Adam with the infinity norm in place of the second moment.

Example:
    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> _ = Adamax(learning_rate=0.1).apply_gradients([(torch.tensor([3.0]), w)])
    >>> round(w.item(), 4)
    0.9
"""
import torch

from lamina.core import registry
from lamina.optimizers.optimizer import Optimizer


@registry.register()
class Adamax(Optimizer):
    """Adamax (``keras.optimizers.Adamax``).

    ``m = b1*m + (1-b1)*g; u = max(b2*u, |g|)``;
    ``w -= learning_rate * m / ((1 - b1**t) * (u + epsilon))``.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: 0.9. beta_2: 0.999. epsilon: 1e-7.
        **kwargs: the common arguments of :class:`Optimizer`.

    Example:
        >>> Adamax().get_config()["beta_2"]
        0.999
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _build_slots(self, variables):
        self._m, self._u = self.add_optimizer_variables(variables, ["momentum", "norm"])

    def _update(self, params, grads, lr, index):
        t = self._step_count(params[0].dtype)
        correction = 1 - torch.pow(self.beta_1, t)
        m = self._select(self._m, index)
        u = self._select(self._u, index)
        torch._foreach_mul_(m, self.beta_1)
        torch._foreach_add_(m, grads, alpha=1 - self.beta_1)
        torch._foreach_mul_(u, self.beta_2)
        torch._foreach_maximum_(u, torch._foreach_abs(grads))
        denominators = torch._foreach_add(u, self.epsilon)
        torch._foreach_mul_(denominators, correction)
        steps = torch._foreach_mul(m, lr)
        torch._foreach_div_(steps, denominators)
        torch._foreach_sub_(params, steps)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
