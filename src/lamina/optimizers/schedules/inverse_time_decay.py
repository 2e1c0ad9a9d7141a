"""``InverseTimeDecay``: ``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

Example:
    >>> InverseTimeDecay(1.0, decay_steps=1, decay_rate=0.5)(2).item()
    0.5
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
class InverseTimeDecay(LearningRateSchedule):
    """Inverse-time decay; with ``staircase=True`` the ratio is ``floor(step / decay_steps)``.

    Example:
        >>> schedule = InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0, staircase=True)
        >>> [round(schedule(s).item(), 6) for s in (9, 10)]
        [0.1, 0.05]
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        check_number("InverseTimeDecay", "initial_learning_rate", initial_learning_rate)
        check_positive("InverseTimeDecay", "decay_steps", decay_steps)
        check_number("InverseTimeDecay", "decay_rate", decay_rate)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = as_float_step(step) / self.decay_steps
        if self.staircase:
            p = torch.floor(p)
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
