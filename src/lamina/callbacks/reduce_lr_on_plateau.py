"""``ReduceLROnPlateau``: divide the learning rate when a monitored quantity stops improving.

Example:
    >>> from lamina.optimizers import SGD
    >>> class FakeModel:
    ...     optimizer = SGD(learning_rate=0.1)
    >>> cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    >>> cb.set_model(FakeModel()); cb.on_train_begin()
    >>> for epoch in range(3):
    ...     cb.on_epoch_end(epoch, {"loss": 1.0})
    >>> round(float(FakeModel.optimizer.learning_rate), 6)
    0.025
"""
import numpy as np

from lamina.callbacks.monitor import MonitorCallback, learning_rate_of, set_learning_rate


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Args:
        monitor: the logged quantity to watch (``'val_loss'``).
        factor: the multiplier, in (0, 1).
        patience: epochs without improvement before reducing.
        verbose: 1 prints a message on each reduction.
        mode: ``'auto'``, ``'min'`` or ``'max'``.
        min_delta: smaller changes do not count as improvements (Keras 2: ``epsilon``).
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the learning rate never goes below this.

    Each epoch's logs get ``'learning_rate'`` (``'lr'`` resolves to it in the history).

    Example:
        >>> ReduceLROnPlateau(factor=0.2).factor
        0.2
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        if "epsilon" in kwargs:  # Keras 2 name of min_delta
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau: unexpected keyword argument(s) {sorted(kwargs)}")
        super().__init__(monitor, mode, min_delta=min_delta)
        if not 0 < factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in (0, 1); received factor={factor!r}")
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self):
        """True while the callback waits after a reduction."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = learning_rate_of(optimizer, "ReduceLROnPlateau")
        current = self.get_monitor_value(logs)
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = logs["learning_rate"]
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            set_learning_rate(optimizer, new_lr)
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0
