"""``Nadam``: Adam with Nesterov momentum (Dozat, 2015), Keras's momentum schedule.

Example:
    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> _ = Nadam(learning_rate=0.1).apply_gradients([(torch.tensor([1.0]), w)])
    >>> w.item() < 1.0
    True
"""
import torch

from lamina.core import registry
from lamina.optimizers.optimizer import Optimizer


@registry.register()
class Nadam(Optimizer):
    """Nadam (``keras.optimizers.Nadam``).

    With ``u_t = b1 * (1 - 0.5 * 0.96**t)`` and ``P_t = u_1 * ... * u_t``:
    ``m_hat = u_{t+1} * m / (1 - P_t * u_{t+1}) + (1 - u_t) * g / (1 - P_t)``,
    ``v_hat = v / (1 - b2**t)``, ``w -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)``.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: 0.9. beta_2: 0.999. epsilon: 1e-7.
        **kwargs: the common arguments of :class:`Optimizer`.

    Example:
        >>> Nadam().get_config()["beta_1"]
        0.9
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _build_slots(self, variables):
        self._momentums, self._velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])
        dtype = variables[0].dtype if variables else torch.float32
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product").detach()

    def _update(self, params, grads, lr, index):
        dtype = self._u_product.dtype
        t = self._step_count(dtype)
        u_t = self.beta_1 * (1.0 - 0.5 * torch.pow(0.96, t))
        u_next = self.beta_1 * (1.0 - 0.5 * torch.pow(0.96, t + 1))
        self._u_product.mul_(u_t)
        product = self._u_product
        v_correction = 1 - torch.pow(self.beta_2, t)
        m = self._select(self._momentums, index)
        v = self._select(self._velocities, index)
        torch._foreach_mul_(m, self.beta_1)
        torch._foreach_add_(m, grads, alpha=1 - self.beta_1)
        torch._foreach_mul_(v, self.beta_2)
        torch._foreach_addcmul_(v, grads, grads, value=1 - self.beta_2)
        m_hat = torch._foreach_mul(m, u_next / (1 - product * u_next))
        torch._foreach_add_(m_hat, torch._foreach_mul(grads, (1 - u_t) / (1 - product)))
        denominators = torch._foreach_div(v, v_correction)
        torch._foreach_sqrt_(denominators)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_mul_(m_hat, lr)
        torch._foreach_div_(m_hat, denominators)
        torch._foreach_sub_(params, m_hat)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
