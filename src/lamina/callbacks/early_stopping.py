"""``EarlyStopping``: stop training when a monitored quantity has stopped improving.

Example:
    >>> stop = EarlyStopping(monitor="loss", patience=1)
    >>> class FakeModel:
    ...     stop_training = False
    >>> stop.set_model(FakeModel()); stop.on_train_begin()
    >>> for epoch, loss in enumerate([0.9, 0.5, 0.6, 0.7]):
    ...     stop.on_epoch_end(epoch, {"loss": loss})
    >>> stop.stopped_epoch, stop.model.stop_training
    (3, True)
"""
from lamina.callbacks.monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop ``fit`` once ``monitor`` has not improved for ``patience`` epochs (``keras.callbacks.EarlyStopping``).

    Args:
        monitor: the logged quantity to watch (``'val_loss'``).
        min_delta: smaller changes do not count as improvements.
        patience: epochs without improvement before stopping (0: stop at the first
            epoch that does not improve).
        verbose: 1 prints a message when stopping or restoring.
        mode: ``'auto'``, ``'min'`` or ``'max'`` (see :class:`MonitorCallback`).
        baseline: training stops if the model does not beat this value within
            ``patience`` epochs.
        restore_best_weights: at the end of training, put back the weights of the best
            epoch (only if some epoch was monitored).
        start_from_epoch: epochs of warm-up during which nothing is monitored.

    Attributes:
        stopped_epoch: the epoch (from 0) at which training was stopped, 0 if it was not.
        best, best_epoch, wait: the best value so far, its epoch, epochs since.

    Example:
        >>> EarlyStopping(monitor="val_acc").direction()
        'max'
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, baseline=baseline, min_delta=min_delta)
        if not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 0; received patience={patience!r}")
        self.patience = patience
        self.verbose = verbose
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self.is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self.is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
