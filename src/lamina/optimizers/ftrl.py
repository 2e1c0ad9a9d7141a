"""``Ftrl``: Follow The Regularized Leader (McMahan et al., 2013), for wide sparse models.

Example:
    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([0.0]))
    >>> _ = Ftrl(learning_rate=0.1).apply_gradients([(torch.tensor([1.0]), w)])
    >>> w.item() < 0
    True
"""
import torch

from lamina.core import registry
from lamina.optimizers.optimizer import Optimizer


@registry.register()
class Ftrl(Optimizer):
    """FTRL-Proximal (``keras.optimizers.Ftrl``), with Keras's update.

    With ``n`` the accumulated squared gradients and ``p = -learning_rate_power``:
    ``z += g + 2*l2_shrinkage*w - (n_new**p - n**p) / lr * w``;
    ``w = (clip(z, -l1, l1) - z) / (n_new**p / lr + 2*(l2 + beta / (2*lr)))``.

    Args:
        learning_rate: float or schedule (default 0.001).
        learning_rate_power: <= 0 (-0.5).
        initial_accumulator_value: >= 0 (0.1).
        l1_regularization_strength, l2_regularization_strength,
        l2_shrinkage_regularization_strength: >= 0 (0.0).
        beta: 0.0.
        **kwargs: the common arguments of :class:`Optimizer`.

    Example:
        >>> Ftrl(l1_regularization_strength=0.01).get_config()["l1_regularization_strength"]
        0.01
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
        **kwargs,
    ):
        if learning_rate_power > 0:
            raise ValueError(f"Ftrl: learning_rate_power must be <= 0; received learning_rate_power={learning_rate_power!r}")
        for arg, value in (
            ("initial_accumulator_value", initial_accumulator_value),
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
        ):
            if value < 0:
                raise ValueError(f"Ftrl: {arg} must be >= 0; received {arg}={value!r}")
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _build_slots(self, variables):
        self._accumulators, self._linears = self.add_optimizer_variables(
            variables, ["accumulator", "linear"], initializer=[self.initial_accumulator_value, "zeros"]
        )
        # A tensor exponent, as Keras: torch.pow(x, 0.5) with a Python 0.5 takes a sqrt path
        # that rounds differently, and the linear term amplifies such differences.
        reference = variables[0] if variables else self.iterations
        dtype = reference.dtype if reference.is_floating_point() else torch.float32
        self._exponent = torch.tensor(-self.learning_rate_power, dtype=dtype, device=reference.device)

    def _update(self, params, grads, lr, index):
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        accumulators = self._select(self._accumulators, index)
        linears = self._select(self._linears, index)
        new_accumulators = torch._foreach_add(accumulators, torch._foreach_mul(grads, grads))
        exponents = [self._exponent] * len(params)
        new_powers = torch._foreach_pow(new_accumulators, exponents)
        sigmas = torch._foreach_sub(new_powers, torch._foreach_pow(accumulators, exponents))
        torch._foreach_div_(sigmas, lr)
        torch._foreach_mul_(sigmas, params)
        shrinkage = self.l2_shrinkage_regularization_strength
        deltas = torch._foreach_add(grads, params, alpha=2 * shrinkage) if shrinkage else list(grads)
        deltas = torch._foreach_sub(deltas, sigmas)
        torch._foreach_add_(linears, deltas)
        quadratics = torch._foreach_div(new_powers, lr)
        torch._foreach_add_(quadratics, [2.0 * l2] * len(params))  # (a list: the tensor-scalar overload syncs)
        values = torch._foreach_clamp_min(linears, -l1)
        torch._foreach_clamp_max_(values, l1)
        torch._foreach_sub_(values, linears)
        torch._foreach_div_(values, quadratics)
        torch._foreach_copy_(params, values)
        torch._foreach_copy_(accumulators, new_accumulators)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta,
            }
        )
        return config
