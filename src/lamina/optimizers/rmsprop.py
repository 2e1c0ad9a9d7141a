"""``RMSprop``: divide the gradient by a running root-mean-square of recent gradients.

Example:
    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> _ = RMSprop(learning_rate=0.01).apply_gradients([(torch.tensor([2.0]), w)])
    >>> round(w.item(), 5)  # 1 - 0.01 * 2 / sqrt(0.1 * 4 + 1e-7)
    0.96838
"""
import torch

from lamina.core import registry
from lamina.optimizers.optimizer import Optimizer


@registry.register()
class RMSprop(Optimizer):
    """RMSprop (``keras.optimizers.RMSprop``), with Keras's epsilon *inside* the square root.

    ``v = rho * v + (1 - rho) * g**2``; ``step = learning_rate * g / sqrt(v + epsilon)``
    (``centered``: ``sqrt(v - a**2 + epsilon)`` with ``a`` the running mean of ``g``);
    with momentum ``m = momentum * m + step; w -= m``, else ``w -= step``.
    (torch.optim.RMSprop instead adds epsilon outside the square root.)

    Args:
        learning_rate: float or schedule (default 0.001).
        rho: discount of the running averages (0.9).
        momentum: plain momentum (0.0).
        epsilon: 1e-7.
        centered: normalise by the estimated variance instead of the second moment.
        **kwargs: the common arguments of :class:`Optimizer`.

    Example:
        >>> opt = RMSprop(learning_rate=0.01, momentum=0.02)
        >>> opt.get_config()["rho"]
        0.9
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = bool(centered)

    def _build_slots(self, variables):
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum > 0 else []
        self._average_gradients = self.add_optimizer_variables(variables, "average_gradient") if self.centered else []
        # scratch for sqrt(velocity + epsilon), reused every step: a fresh tensor per weight and step costs
        # more than the arithmetic on it (not optimizer state: never saved)
        self._denominators = [torch.empty_like(v.detach()) for v in self._velocities]

    def _update(self, params, grads, lr, index):
        rho = self.rho
        velocities = self._select(self._velocities, index)
        torch._foreach_mul_(velocities, rho)
        torch._foreach_addcmul_(velocities, grads, grads, value=1 - rho)
        denominators = self._select(self._denominators, index)
        for velocity, denominator in zip(velocities, denominators):
            torch.add(velocity, self.epsilon, out=denominator)
        if self.centered:
            averages = self._select(self._average_gradients, index)
            torch._foreach_mul_(averages, rho)
            torch._foreach_add_(averages, grads, alpha=1 - rho)
            torch._foreach_addcmul_(denominators, averages, averages, value=-1)
        torch._foreach_sqrt_(denominators)
        if self.momentum > 0:
            increments = torch._foreach_mul(grads, lr)
            torch._foreach_div_(increments, denominators)
            momentums = self._select(self._momentums, index)
            torch._foreach_mul_(momentums, self.momentum)
            torch._foreach_add_(momentums, increments)
            torch._foreach_sub_(params, momentums)
            return
        # lr * g / d as g / (d / lr): two passes over the weights instead of three, and no
        # second temporary (the results differ from Keras's order by at most an ulp or two)
        torch._foreach_div_(denominators, lr)
        torch._foreach_addcdiv_(params, grads, denominators, value=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon, "centered": self.centered})
        return config
