"""``Adam``: adaptive moment estimation (Kingma & Ba, 2014), Keras's formulation.

Example:
    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> _ = Adam(learning_rate=0.1).apply_gradients([(torch.tensor([5.0]), w)])
    >>> round(w.item(), 4)  # the first Adam step moves by about learning_rate
    0.9
"""
import torch

from lamina.core import registry
from lamina.optimizers.optimizer import Optimizer


@registry.register()
class Adam(Optimizer):
    """Adam (``keras.optimizers.Adam``), epsilon added to ``sqrt(v)`` ("epsilon hat").

    ``m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g**2``;
    ``w -= lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + epsilon)``
    (``amsgrad``: ``v`` replaced by its running maximum).

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: 0.9. beta_2: 0.999. epsilon: 1e-7.
        amsgrad: use the AMSGrad variant.
        **kwargs: the common arguments of :class:`Optimizer`.

    Example:
        >>> Adam(amsgrad=True).get_config()["amsgrad"]
        True
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = bool(amsgrad)

    def _build_slots(self, variables):
        self._momentums, self._velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])
        self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat") if self.amsgrad else []
        self._denominators = [torch.empty_like(v.detach()) for v in self._velocities]  # per-step scratch, not state

    def _update(self, params, grads, lr, index):
        t = self._step_count(params[0].dtype)
        alpha = lr * torch.sqrt(1 - torch.pow(self.beta_2, t)) / (1 - torch.pow(self.beta_1, t))
        m = self._select(self._momentums, index)
        v = self._select(self._velocities, index)
        torch._foreach_mul_(m, self.beta_1)
        torch._foreach_add_(m, grads, alpha=1 - self.beta_1)
        torch._foreach_mul_(v, self.beta_2)
        torch._foreach_addcmul_(v, grads, grads, value=1 - self.beta_2)
        if self.amsgrad:
            v_hat = self._select(self._velocity_hats, index)
            torch._foreach_maximum_(v_hat, v)
            v = v_hat
        denominators = self._select(self._denominators, index)
        for velocity, denominator in zip(v, denominators):
            torch.sqrt(velocity, out=denominator)
        torch._foreach_add_(denominators, self.epsilon)
        # alpha * m / d as m / (d / alpha): no temporaries, one pass fewer (an ulp or two from Keras's order)
        torch._foreach_div_(denominators, alpha)
        torch._foreach_addcdiv_(params, m, denominators, value=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon, "amsgrad": self.amsgrad})
        return config
