"""``ExponentialDecay``: ``initial_learning_rate * decay_rate ** (step / decay_steps)``.

Example:
    >>> round(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20).item(), 6)
    0.025
"""
import torch

from lamina.core import registry
from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    as_float_step,
    check_number,
    check_positive,
)


@registry.register()
class ExponentialDecay(LearningRateSchedule):
    """Exponential decay; with ``staircase=True`` the exponent is ``floor(step / decay_steps)``.

    Example:
        >>> schedule = ExponentialDecay(1.0, decay_steps=2, decay_rate=0.5, staircase=True)
        >>> [schedule(s).item() for s in (0, 1, 2, 3)]
        [1.0, 1.0, 0.5, 0.5]
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        check_number("ExponentialDecay", "initial_learning_rate", initial_learning_rate)
        check_positive("ExponentialDecay", "decay_steps", decay_steps)
        check_number("ExponentialDecay", "decay_rate", decay_rate)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = as_float_step(step) / self.decay_steps
        if self.staircase:
            p = torch.floor(p)
        return self.initial_learning_rate * torch.pow(float(self.decay_rate), p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
