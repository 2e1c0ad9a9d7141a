"""``PiecewiseConstantDecay``: a constant rate on each interval between step boundaries.

Example:
    >>> schedule = PiecewiseConstantDecay(boundaries=[2, 5], values=[1.0, 0.5, 0.1])
    >>> [round(schedule(s).item(), 6) for s in (2, 3, 5, 6)]
    [1.0, 0.5, 0.5, 0.1]
"""
import numbers

import torch

from lamina.core import registry
from lamina.core.dtypes import to_torch_dtype
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule


@registry.register()
class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after.

    Args:
        boundaries: strictly increasing step numbers.
        values: one more rate than there are boundaries.

    Example:
        >>> PiecewiseConstantDecay([10], [0.1, 0.01])(11).item()
        0.009999999776482582
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay: values must have exactly one more element than boundaries; received "
                f"boundaries={boundaries} ({len(boundaries)} elements) and values={values} ({len(values)} elements)"
            )
        for arg, items in (("boundaries", boundaries), ("values", values)):
            if not all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in items):
                raise ValueError(f"PiecewiseConstantDecay: {arg} must be numbers; received {arg}={items}")
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must be strictly increasing; received {boundaries}")
        self.boundaries = boundaries
        self.values = values
        self.name = name
        self._rates = [float(v) for v in values]

    def __call__(self, step):
        if not isinstance(step, torch.Tensor):
            step = torch.tensor(step)
        rates = self._rates
        if not self.boundaries:
            return torch.full((), rates[0], dtype=to_torch_dtype(None), device=step.device)
        rate = torch.where(step <= self.boundaries[-1], rates[-2], rates[-1])
        for boundary, value in zip(reversed(self.boundaries[:-1]), reversed(rates[:-2])):
            rate = torch.where(step <= boundary, value, rate)
        return rate.to(to_torch_dtype(None))

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
