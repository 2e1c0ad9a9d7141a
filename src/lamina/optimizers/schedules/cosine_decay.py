"""``CosineDecay``: an optional linear warmup, then a cosine decay (SGDR without restarts).

Example:
    >>> round(CosineDecay(1.0, decay_steps=10)(5).item(), 6)
    0.5
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
class CosineDecay(LearningRateSchedule):
    """Cosine decay from the start rate to ``alpha`` times it over ``decay_steps``.

    Without ``warmup_target`` the decay starts at ``initial_learning_rate``. With it, the
    rate first rises linearly from ``initial_learning_rate`` to ``warmup_target`` over
    ``warmup_steps``, then decays from ``warmup_target``.

    Example:
        >>> schedule = CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=4)
        >>> [round(schedule(s).item(), 6) for s in (0, 2, 4, 9, 14, 20)]
        [0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        check_number("CosineDecay", "initial_learning_rate", initial_learning_rate)
        check_positive("CosineDecay", "decay_steps", decay_steps)
        check_number("CosineDecay", "alpha", alpha)
        if warmup_target is not None:
            check_number("CosineDecay", "warmup_target", warmup_target)
        check_number("CosineDecay", "warmup_steps", warmup_steps)
        if warmup_steps < 0:
            raise ValueError(f"CosineDecay: warmup_steps must be >= 0; received warmup_steps={warmup_steps!r}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decayed(self, step, start_rate):
        cosine = 0.5 * (1.0 + torch.cos(math.pi * (step / self.decay_steps)))
        return start_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = as_float_step(step)
        if self.warmup_target is None:
            return self._decayed(torch.clamp_max(step, self.decay_steps), self.initial_learning_rate)
        step = torch.clamp_max(step, self.decay_steps + self.warmup_steps)
        if not self.warmup_steps:
            return self._decayed(step, self.warmup_target)
        rise = self.warmup_target - self.initial_learning_rate
        warming = rise * (step / self.warmup_steps) + self.initial_learning_rate
        decaying = self._decayed(step - self.warmup_steps, self.warmup_target)
        return torch.where(step < self.warmup_steps, warming, decaying)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }
