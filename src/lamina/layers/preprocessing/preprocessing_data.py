"""Data handling shared by the preprocessing layers: string arrays, adapt() sources, numeric outputs.

TensorFlow's string tensors do not exist in torch, so text layers take Python
strings, lists and NumPy arrays of ``str`` (or ``bytes``) and return torch tensors.
``adapt`` accepts an array, a list, a tensor, or any dataset yielding batches
(a lamina ``BatchDataset``/``PyDataset``, a generator); from ``(x, y)`` batches it uses ``x``.

Example:
    >>> as_string_array(["a", b"b"]).tolist()
    ['a', 'b']
    >>> [batch.tolist() for batch in adapt_batches(np.arange(5), batch_size=2)]
    [[0, 1], [2, 3], [4]]
"""
import numpy as np
import torch

from lamina.core.symbolic import KerasTensor


def is_string_data(x):
    """True for ``str``/``bytes`` or arrays/lists of them.

    Example:
        >>> is_string_data([["a"], ["b"]]), is_string_data(np.array([1, 2]))
        (True, False)
    """
    if isinstance(x, (str, bytes)):
        return True
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "USO" and (x.dtype.kind != "O" or x.size == 0
                                          or isinstance(x.flat[0], (str, bytes)))
    if isinstance(x, (list, tuple)) and x:
        first = x[0]
        while isinstance(first, (list, tuple)) and first:
            first = first[0]
        return isinstance(first, (str, bytes))
    return False


def _decode(value, encoding="utf-8"):
    return value.decode(encoding) if isinstance(value, bytes) else value


def as_string_array(x, encoding="utf-8"):
    """``x`` as a NumPy object array of ``str`` (bytes decoded with ``encoding``).

    Example:
        >>> as_string_array("hi").shape
        ()
    """
    if isinstance(x, (str, bytes)):
        return np.array(_decode(x, encoding), dtype=object)
    array = np.asarray(x, dtype=object)
    if array.dtype.kind == "O" and array.size:
        return np.vectorize(lambda v: _decode(v, encoding), otypes=[object])(array)
    return array


def to_numpy(x):
    """NumPy view of a tensor/array/list (strings stay object arrays).

    Example:
        >>> to_numpy(torch.tensor([1, 2])).tolist()
        [1, 2]
    """
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, KerasTensor):
        raise TypeError(f"Preprocessing layers need concrete data, not the symbolic tensor {x!r}")
    if is_string_data(x):
        return as_string_array(x)
    return np.asarray(x)


def adapt_batches(data, batch_size=None, steps=None):
    """Yield NumPy batches of ``data`` for ``adapt`` (arrays/lists are cut into ``batch_size`` pieces).

    Datasets (anything with ``__len__`` and ``__getitem__`` batches, or an iterable of
    batches) are read batch by batch, at most ``steps`` batches; ``(x, y)`` batches give ``x``.
    """
    if isinstance(data, (np.ndarray, torch.Tensor, list, tuple, str, bytes)):
        array = to_numpy(data)
        if array.ndim == 0:
            array = array.reshape(1)
        size = len(array) if batch_size is None else int(batch_size)
        count = 0
        for start in range(0, max(len(array), 1), max(size, 1)):
            if steps is not None and count >= steps:
                return
            yield array[start:start + size]
            count += 1
        return
    if hasattr(data, "__getitem__") and hasattr(data, "__len__"):
        iterator = (data[i] for i in range(len(data)))
    else:
        iterator = iter(data)
    for count, batch in enumerate(iterator):
        if steps is not None and count >= steps:
            return
        if isinstance(batch, tuple):
            batch = batch[0]
        yield to_numpy(batch)
