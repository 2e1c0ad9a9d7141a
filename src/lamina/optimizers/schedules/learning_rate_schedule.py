"""``LearningRateSchedule``: the base of learning rates that change with the step count.

A schedule is called with the optimizer's iteration count (a 0-d integer tensor,
or a Python number) and returns the rate as a 0-d float tensor, computed with
torch operations only, so evaluating it every step needs no host sync.

Example:
    >>> class Halving(LearningRateSchedule):
    ...     def __init__(self, rate):
    ...         self.rate = rate
    ...     def __call__(self, step):
    ...         return self.rate * 0.5 ** as_float_step(step)
    ...     def get_config(self):
    ...         return {"rate": self.rate}
    >>> Halving(1.0)(3).item()
    0.125
"""
import numbers

import torch

from lamina.core.dtypes import to_torch_dtype


class LearningRateSchedule:
    """Base class: implement ``__call__(step)`` and ``get_config()``.

    Pass an instance as any optimizer's ``learning_rate``; the optimizer evaluates it
    on its iteration count before each update.

    Example:
        >>> from lamina.optimizers import SGD
        >>> from lamina.optimizers.schedules import ExponentialDecay
        >>> opt = SGD(learning_rate=ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5))
        >>> round(float(opt.learning_rate), 6)
        0.1
    """

    def __call__(self, step):
        raise NotImplementedError(f"Learning rate schedule {type(self).__name__} must implement __call__(self, step)")

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule {type(self).__name__} must implement get_config() to be saved"
        )

    @classmethod
    def from_config(cls, config):
        """Create the schedule from :meth:`get_config`'s output.

        Example:
            >>> from lamina.optimizers.schedules import InverseTimeDecay
            >>> InverseTimeDecay.from_config({"initial_learning_rate": 1.0, "decay_steps": 1, "decay_rate": 1.0}).decay_rate
            1.0
        """
        return cls(**config)

    def __repr__(self):
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


def as_float_step(step, dtype=None):
    """``step`` (a tensor or a number) as a 0-d float tensor of ``dtype`` (default: floatx).

    Example:
        >>> as_float_step(torch.tensor(3)).dtype
        torch.float32
    """
    dtype = to_torch_dtype(dtype)
    if isinstance(step, torch.Tensor):
        return step.to(dtype)
    return torch.tensor(float(step), dtype=dtype)


def check_positive(schedule, arg, value):
    """Raise a ValueError naming ``schedule`` and ``arg`` unless ``value`` is a number > 0."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{schedule}: {arg} must be a number > 0; received {arg}={value!r}")


def check_number(schedule, arg, value):
    """Raise a ValueError naming ``schedule`` and ``arg`` unless ``value`` is a real number."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise ValueError(f"{schedule}: {arg} must be a number; received {arg}={value!r}")
