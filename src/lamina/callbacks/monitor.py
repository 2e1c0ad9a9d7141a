"""``MonitorCallback``: what EarlyStopping, ModelCheckpoint and ReduceLROnPlateau share.

They watch one logged quantity (``monitor``), decide whether it should go down or up
(``mode``), and compare each new value with the best so far, allowing for ``min_delta``.
Monitoring a name that is never logged (a typo, a loss function's class name, or
``'val_loss'`` without validation data) warns once, naming the key and listing the
names that are logged.

Example:
    >>> cb = MonitorCallback(monitor="val_loss")
    >>> cb.direction(), cb.is_improvement(0.5, 0.6), cb.is_improvement(0.7, 0.6)
    ('min', True, False)
"""
import warnings

from lamina.callbacks.callback import Callback

MODES = ("auto", "min", "max")
# Substrings of metric names that should be maximised (Keras 2's rule, extended).
_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "fmeasure", "f1", "iou", "r2", "true_positives",
                     "true_negatives", "cosine_similarity")


def learning_rate_of(optimizer, owner):
    """The current learning rate of a lamina or torch optimizer, as a float.

    Example:
        >>> from lamina.optimizers import SGD
        >>> round(learning_rate_of(SGD(0.25), "test"), 6)
        0.25
    """
    if optimizer is None:
        raise ValueError(f"{owner}: the model has no optimizer; call model.compile(optimizer=...) first")
    groups = getattr(optimizer, "param_groups", None)
    if groups is not None and not hasattr(optimizer, "learning_rate"):
        return float(groups[0]["lr"])
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"{owner}: the optimizer {optimizer!r} has no learning_rate attribute")
    return float(optimizer.learning_rate)


def set_learning_rate(optimizer, value):
    """Set the learning rate of a lamina or torch optimizer.

    Example:
        >>> from lamina.optimizers import SGD
        >>> opt = SGD(0.5); set_learning_rate(opt, 0.125); round(float(opt.learning_rate), 6)
        0.125
    """
    groups = getattr(optimizer, "param_groups", None)
    if groups is not None and not hasattr(optimizer, "learning_rate"):
        for group in groups:
            group["lr"] = value
    else:
        optimizer.learning_rate = value


class MonitorCallback(Callback):
    """Base class of callbacks that track the best value of a monitored quantity.

    Args:
        monitor: the logged name to watch (``'val_loss'``).
        mode: ``'min'``, ``'max'``, or ``'auto'``: losses and error metrics are
            minimised; names containing ``acc``, ``auc``, ``precision``, ``recall``,
            ``f1``... are maximised.
        baseline: the value to beat (``None``: the first value seen).
        min_delta: the smallest change that counts as an improvement.

    Example:
        >>> MonitorCallback(monitor="val_acc").direction()
        'max'
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        name = type(self).__name__
        if not isinstance(monitor, str):
            raise TypeError(f"{name}: monitor must be the name of a logged quantity (a str); received {monitor!r}")
        if mode not in MODES:
            raise ValueError(f"{name}: mode must be one of {MODES}; received mode={mode!r}")
        self.monitor = monitor
        self.mode = mode
        self.baseline = baseline
        self.best = baseline
        self.min_delta = abs(min_delta)
        self._warned_missing = False

    def direction(self):
        """``'min'`` or ``'max'``: which way the monitored quantity should move."""
        if self.mode != "auto":
            return self.mode
        name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
        if name.endswith("loss"):
            return "min"
        return "max" if any(part in name.lower() for part in _HIGHER_IS_BETTER) else "min"

    def is_improvement(self, current, reference):
        """True if ``current`` beats ``reference`` by more than ``min_delta`` (``None`` is always beaten)."""
        if reference is None:
            return True
        if self.direction() == "min":
            return current + self.min_delta < reference
        return current - self.min_delta > reference

    def get_monitor_value(self, logs):
        """``logs[monitor]``, or ``None`` with a one-time warning naming the key and the logged names."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None and not self._warned_missing:
            self._warned_missing = True
            hint = " (validation metrics need validation_data or validation_split in fit)" if (
                self.monitor.startswith("val_")) else ""
            warnings.warn(
                f"{type(self).__name__} is monitoring {self.monitor!r}, which is not logged{hint}; it does "
                f"nothing until it is. The logged quantities are: {', '.join(sorted(logs)) or '(none)'}.",
                stacklevel=3,
            )
        return value
