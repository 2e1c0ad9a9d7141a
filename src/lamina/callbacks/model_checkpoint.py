"""``ModelCheckpoint``: save the model (or its weights) during training.

The file name may hold ``str.format`` fields filled from the epoch (counted from 1)
and the logs: ``'w.{epoch:02d}-{val_loss:.2f}.h5'``. With ``save_best_only`` the file is
written only when ``monitor`` improves. Files are written by ``model.save(path)`` /
``model.save_weights(path)`` (see :func:`save_checkpoint`).

Example:
    >>> class FakeModel:
    ...     saved = []
    ...     def save(self, path, overwrite=True):
    ...         self.saved.append(path)
    >>> cb = ModelCheckpoint("/tmp/m.{epoch:02d}-{val_loss:.2f}.keras", save_best_only=True)
    >>> cb.set_model(FakeModel()); cb.on_train_begin()
    >>> for epoch, val_loss in enumerate([0.5, 0.7, 0.4]):
    ...     cb.on_epoch_begin(epoch); cb.on_epoch_end(epoch, {"val_loss": val_loss})
    >>> FakeModel.saved
    ['/tmp/m.01-0.50.keras', '/tmp/m.03-0.40.keras']
"""
import os

from lamina.callbacks.monitor import MonitorCallback

MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")
WEIGHTS_SUFFIXES = (".weights.h5", ".h5", ".hdf5", ".weights.safetensors", ".safetensors", ".pt", ".pth")


def save_checkpoint(model, filepath, weights_only):
    """Write ``model`` (or only its weights) to ``filepath`` with the model's own saving methods.

    This is the one place ModelCheckpoint touches the file format: ``model.save`` and
    ``model.save_weights`` (lamina's saving module) pick the format from the suffix
    and write atomically.

    Example:
        >>> class FakeModel:
        ...     def save_weights(self, path, overwrite=True):
        ...         print("weights ->", path)
        >>> save_checkpoint(FakeModel(), "w.weights.h5", weights_only=True)
        weights -> w.weights.h5
    """
    method_name = "save_weights" if weights_only else "save"
    method = getattr(model, method_name, None)
    if method is None:
        raise NotImplementedError(
            f"ModelCheckpoint: the model ({type(model).__name__}) has no {method_name}() method, so {filepath!r} "
            "cannot be written. lamina's model saving provides it; until it is available, use "
            "save_weights_only with a model that defines save_weights()."
        )
    method(filepath, overwrite=True)


class ModelCheckpoint(MonitorCallback):
    """Save the model or its weights every epoch or every ``save_freq`` batches.

    Args:
        filepath: path template (``str.format`` with ``epoch`` and any logged name,
            ``batch`` too when saving per batch). Whole models: ``.keras``, ``.h5`` or
            ``.hdf5``; weights only: ``.weights.h5`` (also ``.h5``/``.hdf5``, as Keras 2).
        monitor: quantity compared by ``save_best_only`` (``'val_loss'``).
        verbose: 1 prints a message for every save decision.
        save_best_only: write only when ``monitor`` improves on the best so far.
        save_weights_only: write only the weights.
        mode: ``'auto'``, ``'min'`` or ``'max'``.
        save_freq: ``'epoch'`` or a number of batches.
        initial_value_threshold: the value ``monitor`` must beat for the first save.

    Example:
        >>> ModelCheckpoint("best.keras", monitor="val_acc").direction()
        'max'
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None, **kwargs):
        period = kwargs.pop("period", 1)  # Keras 2: save every `period` epochs
        if kwargs:
            raise TypeError(f"ModelCheckpoint: unexpected keyword argument(s) {sorted(kwargs)}")
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(
                f"ModelCheckpoint: save_freq must be 'epoch' or a positive number of batches; received {save_freq!r}"
            )
        self.save_freq = save_freq
        if not (isinstance(period, int) and period > 0):
            raise ValueError(f"ModelCheckpoint: period must be a positive number of epochs; received {period!r}")
        self.period = period
        suffixes = WEIGHTS_SUFFIXES if save_weights_only else MODEL_SUFFIXES
        if not self.filepath.endswith(suffixes):
            what = "weights file" if save_weights_only else "model file"
            raise ValueError(
                f"ModelCheckpoint: filepath={self.filepath!r} must end in one of {', '.join(suffixes)} "
                f"(the {what} format); use '.weights.h5' with save_weights_only=True"
            )
        self._initial_best = initial_value_threshold
        self._current_epoch = 0
        self._batches_since_save = 0

    def on_train_begin(self, logs=None):
        self.best = self._initial_best
        self._batches_since_save = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch" and (epoch + 1) % self.period == 0:
            self._save(epoch, None, logs)

    def file_path(self, epoch, batch, logs):
        """The path for ``epoch`` (from 0) and ``batch``, with the template's fields filled."""
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None:
            fields.setdefault("batch", batch + 1)
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(
                f"ModelCheckpoint: cannot fill filepath={self.filepath!r}: {error} is not logged. "
                f"The available names are: epoch, {', '.join(sorted(logs or {}))}"
            ) from None

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self.file_path(epoch, batch, logs)
        if self.save_best_only:
            current = self.get_monitor_value(logs)  # None: warned; save anyway, as Keras 3 does
            if current is not None and not self.is_improvement(current, self.best):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if current is not None:
                if self.verbose > 0:
                    previous = "None" if self.best is None else f"{self.best:.5f}"
                    print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {previous} to {current:.5f}, "
                          f"saving model to {filepath}")
                self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
        if os.path.isdir(filepath):
            raise IsADirectoryError(f"ModelCheckpoint: filepath {filepath!r} is an existing directory; give a file name")
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        save_checkpoint(self.model, filepath, self.save_weights_only)
