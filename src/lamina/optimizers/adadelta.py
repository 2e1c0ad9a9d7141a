"""``Adadelta``: steps scaled by running averages of past steps and past gradients.

Example:
    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> _ = Adadelta(learning_rate=1.0).apply_gradients([(torch.tensor([1.0]), w)])
    >>> w.item() < 1.0
    True
"""
import torch

from lamina.core import registry
from lamina.optimizers.optimizer import Optimizer


@registry.register()
class Adadelta(Optimizer):
    """Adadelta (``keras.optimizers.Adadelta``).

    ``Eg = rho*Eg + (1-rho)*g**2``; ``d = -sqrt(Ed + eps) / sqrt(Eg + eps) * g``;
    ``Ed = rho*Ed + (1-rho)*d**2``; ``w += learning_rate * d``.

    Args:
        learning_rate: float or schedule (default 0.001; Keras 2's 1.0 is closer to the paper).
        rho: 0.95. epsilon: 1e-7.
        **kwargs: the common arguments of :class:`Optimizer`.

    Example:
        >>> Adadelta().get_config()["rho"]
        0.95
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _build_slots(self, variables):
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"]
        )

    def _rms(self, values):
        out = torch._foreach_add(values, self.epsilon)
        torch._foreach_sqrt_(out)
        return out

    def _update(self, params, grads, lr, index):
        rho = self.rho
        grad_averages = self._select(self._accumulated_grads, index)
        delta_averages = self._select(self._accumulated_delta_vars, index)
        torch._foreach_mul_(grad_averages, rho)
        torch._foreach_addcmul_(grad_averages, grads, grads, value=1 - rho)
        deltas = self._rms(delta_averages)
        torch._foreach_mul_(deltas, grads)
        torch._foreach_div_(deltas, self._rms(grad_averages))
        torch._foreach_neg_(deltas)
        torch._foreach_mul_(delta_averages, rho)
        torch._foreach_addcmul_(delta_averages, deltas, deltas, value=1 - rho)
        torch._foreach_mul_(deltas, lr)
        torch._foreach_add_(params, deltas)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
