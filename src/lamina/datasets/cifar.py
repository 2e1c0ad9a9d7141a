"""Reading the batches of the CIFAR-10/100 "python version" archives without unsafe unpickling.

Each batch file is a Python 2 pickle of a dict with ``data`` (uint8, ``(n, 3072)``,
channel-major) and ``labels`` (CIFAR-10) or ``fine_labels``/``coarse_labels``
(CIFAR-100). It is read with an unpickler that only rebuilds NumPy arrays and plain
data, so a tampered archive cannot run code.

Example:
    >>> import os, pickle, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "data_batch_1")
    >>> with open(path, "wb") as f:
    ...     pickle.dump({b"data": np.zeros((2, 3072), np.uint8), b"labels": [3, 5]}, f, protocol=2)
    >>> data, labels = load_batch(path)
    >>> data.shape, labels
    ((2, 3, 32, 32), [3, 5])
"""
import numpy as np

from lamina.core import config
from lamina.datasets._safe_loading import restricted_load


def load_batch(fpath, label_key="labels"):
    """``(data, labels)`` of one batch file: uint8 ``(n, 3, 32, 32)`` and a list of ints.

    Example:
        >>> load_batch  # doctest: +ELLIPSIS
        <function load_batch at ...>
    """
    with open(fpath, "rb") as f:
        batch = restricted_load(f, fpath, encoding="bytes")
    if not isinstance(batch, dict):
        raise ValueError(f"{fpath} is not a CIFAR batch: it holds a {type(batch).__name__}, not a dict")
    batch = {key.decode("utf8") if isinstance(key, bytes) else key: value for key, value in batch.items()}
    missing = [key for key in ("data", label_key) if key not in batch]
    if missing:
        raise ValueError(f"{fpath} is not a CIFAR batch: it lacks {missing} (it has {sorted(batch)})")
    data = np.asarray(batch["data"])
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def to_image_layout(x):
    """``(n, 3, 32, 32)`` batches in the configured layout (``channels_last`` by default, as Keras)."""
    return x.transpose(0, 2, 3, 1) if config.image_data_format() == "channels_last" else x
