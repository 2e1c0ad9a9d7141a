"""``SGD``: gradient descent, with optional (Nesterov) momentum, Keras's formulation.

Example:
    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     _ = opt.apply_gradients([(torch.tensor([1.0]), w)])
    >>> round(w.item(), 4)  # 1 - 0.1 - (0.9 * 0.1 + 0.1)
    0.71
"""
import numbers

import torch

from lamina.core import registry
from lamina.optimizers.optimizer import Optimizer


@registry.register()
class SGD(Optimizer):
    """Stochastic gradient descent (``keras.optimizers.SGD``).

    Without momentum: ``w -= learning_rate * g``. With momentum (Keras's form, not
    torch's): ``v = momentum * v - learning_rate * g; w += v``; with ``nesterov=True``
    ``w += momentum * v - learning_rate * g``.

    Args:
        learning_rate: float or schedule (default 0.01).
        momentum: float in [0, 1] (default 0).
        nesterov: use Nesterov momentum.
        **kwargs: the common arguments of :class:`Optimizer` (clipnorm, weight_decay, ...).

    Example:
        >>> import torch
        >>> w = torch.nn.Parameter(torch.tensor([2.0]))
        >>> _ = SGD(learning_rate=0.5).apply_gradients([(torch.tensor([1.0]), w)])
        >>> w.item()
        1.5
    """

    _default_learning_rate = 0.01

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        if not (isinstance(momentum, numbers.Real) and not isinstance(momentum, bool) and 0 <= momentum <= 1):
            raise ValueError(f"SGD: momentum must be a float in [0, 1]; received momentum={momentum!r}")
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def _build_slots(self, variables):
        self._momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum else []

    def _update(self, params, grads, lr, index):
        scaled = torch._foreach_mul(grads, lr)
        if not self.momentum:
            torch._foreach_sub_(params, scaled)
            return
        velocities = self._select(self._momentums, index)
        torch._foreach_mul_(velocities, self.momentum)
        torch._foreach_sub_(velocities, scaled)
        if self.nesterov:
            torch._foreach_sub_(params, scaled)
            torch._foreach_add_(params, velocities, alpha=self.momentum)
        else:
            torch._foreach_add_(params, velocities)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
