"""``LearningRateScheduler``: set the learning rate at the start of every epoch from a function.

Example:
    >>> from lamina.optimizers import SGD
    >>> class FakeModel:
    ...     optimizer = SGD(learning_rate=0.1)
    >>> cb = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    >>> cb.set_model(FakeModel())
    >>> cb.on_epoch_begin(0); cb.on_epoch_begin(1)
    >>> round(float(FakeModel.optimizer.learning_rate), 6)
    0.025
"""
import inspect
import numbers

from lamina.callbacks.callback import Callback
from lamina.callbacks.monitor import learning_rate_of, set_learning_rate


def _takes_two_arguments(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)


class LearningRateScheduler(Callback):
    """Learning rate from ``schedule(epoch, lr)`` (or Keras 1's ``schedule(epoch)``) before each epoch.

    Args:
        schedule: function of the epoch index (from 0) and the current learning rate,
            returning the new rate as a float.
        verbose: 1 prints each new rate.

    Each epoch's logs get ``'learning_rate'``.

    Example:
        >>> LearningRateScheduler(lambda epoch: 0.01).verbose
        0
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be a function; received {schedule!r}")
        self.schedule = schedule
        self.verbose = verbose
        self._two_arguments = _takes_two_arguments(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if self._two_arguments:
            rate = self.schedule(epoch, learning_rate_of(optimizer, "LearningRateScheduler"))
        else:
            rate = self.schedule(epoch)
        if hasattr(rate, "item") and getattr(rate, "ndim", 0) == 0:
            rate = rate.item()
        if not isinstance(rate, numbers.Real) or isinstance(rate, bool):
            raise ValueError(
                f"LearningRateScheduler: the schedule must return a float; for epoch {epoch} it returned {rate!r}"
            )
        set_learning_rate(optimizer, float(rate))
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(rate)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = learning_rate_of(self.model.optimizer, "LearningRateScheduler")
