"""``CosineDecayRestarts``: cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016).

Example:
    >>> schedule = CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0)
    >>> [round(schedule(s).item(), 6) for s in (0, 5, 10)]
    [1.0, 0.5, 1.0]
"""
import math

import torch

from lamina.core import registry
from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    as_float_step,
    check_number,
    check_positive,
)


@registry.register()
class CosineDecayRestarts(LearningRateSchedule):
    """Decay from 1 to ``alpha`` (times the rate) over ``first_decay_steps``, then restart.

    Period ``i`` lasts ``t_mul ** i`` times the first and starts at ``m_mul ** i`` times
    ``initial_learning_rate``.

    Example:
        >>> schedule = CosineDecayRestarts(1.0, first_decay_steps=2, t_mul=2.0, m_mul=0.5)
        >>> [round(schedule(s).item(), 6) for s in (0, 1, 2, 4, 6)]
        [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        check_number("CosineDecayRestarts", "initial_learning_rate", initial_learning_rate)
        check_positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        check_positive("CosineDecayRestarts", "t_mul", t_mul)
        check_number("CosineDecayRestarts", "m_mul", m_mul)
        check_number("CosineDecayRestarts", "alpha", alpha)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        fraction = as_float_step(step) / self.first_decay_steps
        if self.t_mul == 1.0:
            restart = torch.floor(fraction)
            fraction = fraction - restart
        else:
            # Periods grow geometrically: find the period from the sum of the series. log(t_mul)
            # is taken in float32 like Keras (not math.log), so that at the exact step of a
            # restart both round to the same side of the floor.
            t_mul = torch.tensor(float(self.t_mul), dtype=fraction.dtype, device=fraction.device)
            restart = torch.floor(torch.log(1.0 - fraction * (1.0 - t_mul)) / torch.log(t_mul))
            elapsed = (1.0 - torch.pow(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - elapsed) / torch.pow(t_mul, restart)
        cosine = 0.5 * torch.pow(float(self.m_mul), restart) * (1.0 + torch.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self.t_mul,
            "m_mul": self.m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
