"""``ProgbarLogger``: the progress display of ``fit``/``evaluate``/``predict`` (``verbose=1`` or ``2``).

``fit`` adds one automatically unless ``verbose=0``. It prints ``Epoch 3/10`` and a
:class:`~lamina.training.progress.Progbar` per epoch; validation runs inside ``fit``
draw nothing of their own: their ``val_`` results join the epoch's final line.

Example:
    >>> import io
    >>> logger = ProgbarLogger(file=io.StringIO())
    >>> logger.set_params({"verbose": 2, "epochs": 1, "steps": 2})
    >>> logger.on_train_begin(); logger.on_epoch_begin(0)
    >>> logger.on_train_batch_end(0, {"loss": 0.5}); logger.on_train_batch_end(1, {"loss": 0.25})
    >>> logger.on_epoch_end(0, {"loss": 0.25}); logger.on_train_end()
    >>> print(logger.file.getvalue().splitlines()[0])
    Epoch 1/1
"""
import sys

from lamina.callbacks.callback import Callback
from lamina.training.progress import Progbar


class ProgbarLogger(Callback):
    """Prints training progress (``keras.callbacks.ProgbarLogger``).

    Args:
        count_mode: accepted for Keras 2 compatibility (``'steps'``); progress is in steps.
        file: stream to print to (default ``sys.stdout`` at the time of printing).

    The verbosity comes from ``fit(verbose=...)``: ``'auto'`` and 1 draw a live bar on a
    terminal (one line per epoch otherwise), 2 prints one line per epoch.

    Example:
        >>> ProgbarLogger().accepts_lazy_logs
        True
    """

    accepts_lazy_logs = True  # reads batch logs only when it redraws

    def __init__(self, count_mode="steps", file=None):
        super().__init__()
        if count_mode not in ("steps", "samples"):
            raise ValueError(f"ProgbarLogger: count_mode must be 'steps' or 'samples'; received {count_mode!r}")
        self.file = file
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.progbar = None
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new_bar(self, target):
        self.progbar = Progbar(target, verbose=self.verbose, file=self.file or sys.stdout)

    def _finish(self, logs):
        if self.progbar is not None:
            self.progbar.update(self.progbar.seen, logs, finalize=True)
            if self.progbar.target is not None:
                self.target = self.progbar.target
            self.progbar = None

    def note(self, message):
        """Show a line of information (such as the time spent compiling a step) above the bar.

        Example:
            >>> import io
            >>> logger = ProgbarLogger(file=io.StringIO()); logger.set_params({"verbose": 2})
            >>> logger.note("compiled"); logger.file.getvalue()
            'compiled\\n'
        """
        if not self.verbose:
            return
        if self.progbar is not None:
            self.progbar.write(message)
        else:
            print(message, file=self.file or sys.stdout, flush=True)

    # -- fit -----------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self.epochs}", file=self.file or sys.stdout, flush=True)
            self._new_bar(self.target)

    def on_train_batch_end(self, batch, logs=None):
        if self.progbar is not None:
            self.progbar.update(batch + 1, logs, finalize=False)  # the epoch's end finishes the line

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_train_end(self, logs=None):
        self._in_fit = False

    # -- evaluate / predict (on their own, not inside fit) --------------------------------
    def on_test_begin(self, logs=None):
        if not self._in_fit and self.verbose:
            self._new_bar(self.target)

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit and self.progbar is not None:
            self.progbar.update(batch + 1, logs, finalize=False)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        if self.verbose:
            self._new_bar(self.target)

    def on_predict_batch_end(self, batch, logs=None):
        if self.progbar is not None:
            self.progbar.update(batch + 1, finalize=False)

    def on_predict_end(self, logs=None):
        self._finish(None)
