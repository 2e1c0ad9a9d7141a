"""``CSVLogger``: one CSV row of logs per epoch; the file is rewritten atomically after every epoch.

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> logger = CSVLogger(path); logger.on_train_begin()
    >>> logger.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.75}); logger.on_train_end()
    >>> print(open(path).read().strip())
    epoch,loss,val_loss
    0,0.5,0.75
"""
import collections.abc
import csv
import io
import os

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.utils.io_utils import atomic_write


def _cell(value):
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Stream epoch results to a CSV file (``keras.callbacks.CSVLogger``).

    Args:
        filename: the CSV file.
        separator: the column separator.
        append: keep the rows already in the file (and its header) and add to them.

    Columns are ``epoch`` and the logged names, sorted (with ``val_`` columns for
    each metric when no validation ran in the first epoch, as Keras does). Missing
    values are written as ``NA``. The file is replaced atomically after each epoch,
    so it is never left half-written.

    Example:
        >>> CSVLogger("training.log", separator=";").sep
        ';'
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self._prefix = ""
        self._rows = io.StringIO()
        self._write_header = True

    def on_train_begin(self, logs=None):
        self.keys = None
        self._rows = io.StringIO()
        self._prefix = ""
        self._write_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as handle:
                self._prefix = handle.read()
            if self._prefix:
                self._write_header = False
                if not self._prefix.endswith("\n"):
                    self._prefix += "\n"

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        writer = csv.writer(self._rows, delimiter=self.sep, lineterminator="\n")
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
            if self._write_header:
                writer.writerow(["epoch"] + self.keys)
        writer.writerow([epoch] + [_cell(logs.get(key, "NA")) for key in self.keys])
        with atomic_write(self.filename, "w") as handle:
            handle.write(self._prefix + self._rows.getvalue())

    def on_train_end(self, logs=None):
        self.keys = None
