"""``PolynomialDecay``: from ``initial_learning_rate`` to ``end_learning_rate`` along ``(1 - step/decay_steps) ** power``.

Example:
    >>> round(PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0)(5).item(), 6)
    0.05
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
class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay; the rate stays at ``end_learning_rate`` after ``decay_steps``.

    With ``cycle=True`` the decay restarts: ``decay_steps`` is stretched to the first
    multiple of itself that is at least ``step``.

    Example:
        >>> schedule = PolynomialDecay(1.0, decay_steps=4, end_learning_rate=0.0, power=2.0)
        >>> [schedule(s).item() for s in (0, 2, 4, 8)]
        [1.0, 0.25, 0.0, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        check_number("PolynomialDecay", "initial_learning_rate", initial_learning_rate)
        check_positive("PolynomialDecay", "decay_steps", decay_steps)
        check_number("PolynomialDecay", "end_learning_rate", end_learning_rate)
        check_number("PolynomialDecay", "power", power)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        step = as_float_step(step)
        if self.cycle:
            multiplier = torch.where(step == 0, 1.0, torch.ceil(step / self.decay_steps))
            p = step / (multiplier * self.decay_steps)
        else:
            p = torch.clamp_max(step, self.decay_steps) / self.decay_steps
        delta = self.initial_learning_rate - self.end_learning_rate
        return delta * torch.pow(1.0 - p, self.power) + self.end_learning_rate

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }
