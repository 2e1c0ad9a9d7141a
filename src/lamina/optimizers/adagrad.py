"""``Adagrad``: per-weight rates that shrink with the sum of squared past gradients.

Example:
    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> _ = Adagrad(learning_rate=0.1).apply_gradients([(torch.tensor([1.0]), w)])
    >>> round(w.item(), 4)  # 1 - 0.1 * 1 / sqrt(0.1 + 1)
    0.9047
"""
import torch

from lamina.core import registry
from lamina.optimizers.optimizer import Optimizer


@registry.register()
class Adagrad(Optimizer):
    """Adagrad (``keras.optimizers.Adagrad``).

    ``acc += g**2; w -= learning_rate * g / sqrt(acc + epsilon)``, with ``acc``
    starting at ``initial_accumulator_value``.

    Args:
        learning_rate: float or schedule (default 0.001).
        initial_accumulator_value: 0.1.
        epsilon: 1e-7.
        **kwargs: the common arguments of :class:`Optimizer`.

    Example:
        >>> Adagrad().get_config()["initial_accumulator_value"]
        0.1
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _build_slots(self, variables):
        self._accumulators = self.add_optimizer_variables(
            variables, "accumulator", initializer=self.initial_accumulator_value
        )

    def _update(self, params, grads, lr, index):
        accumulators = self._select(self._accumulators, index)
        torch._foreach_addcmul_(accumulators, grads, grads)
        denominators = torch._foreach_add(accumulators, self.epsilon)
        torch._foreach_sqrt_(denominators)
        steps = torch._foreach_mul(grads, lr)
        torch._foreach_div_(steps, denominators)
        torch._foreach_sub_(params, steps)

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon})
        return config
