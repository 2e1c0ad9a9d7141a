"""Logs as callbacks see them: dicts of Python floats, made only when someone reads them.

During ``fit`` the metrics live in tensors. :func:`pythonify_logs` turns a dict of
tensors into floats (Keras 3's order: sorted by key, nested dicts flattened);
:class:`LazyLogs` defers even that until a callback actually looks, so a progress
bar that refreshes ten times a second costs ten host syncs a second, not one per batch.

Example:
    >>> import torch
    >>> pythonify_logs({"loss": torch.tensor(0.5), "acc": 1})
    {'acc': 1.0, 'loss': 0.5}
    >>> logs = LazyLogs(lambda: {"loss": torch.tensor(0.25)})
    >>> logs["loss"]
    0.25
"""
from collections.abc import Mapping

import numpy as np
import torch


def _to_python(value):
    if isinstance(value, torch.Tensor):
        value = value.detach()
        if value.dim() == 0:
            return float(value)
        return value.cpu().numpy()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return float(value)
    if isinstance(value, (np.floating, np.integer, int)) and not isinstance(value, bool):
        return float(value)
    return value


def pythonify_logs(logs):
    """``logs`` with tensor values turned into floats (non-scalars into NumPy), keys sorted, nested dicts flattened.

    Example:
        >>> pythonify_logs({"b": torch.tensor(2.0), "a": {"c": torch.tensor([1, 2])}})
        {'c': array([1, 2]), 'b': 2.0}
    """
    if logs is None:
        return {}
    if isinstance(logs, LazyLogs):
        return logs.materialize()
    result = {}
    for key, value in sorted(logs.items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
        else:
            result[key] = _to_python(value)
    return result


class LazyLogs(Mapping):
    """A read-only logs dict computed by ``source()`` on first access, then kept.

    The training loop hands one to callbacks that declare ``accepts_lazy_logs = True``
    (the progress bar), so reading the metrics is paid only when they are shown.

    Example:
        >>> calls = []
        >>> logs = LazyLogs(lambda: calls.append(1) or {"loss": 1.0})
        >>> len(calls), dict(logs), len(calls)
        (0, {'loss': 1.0}, 1)
    """

    __slots__ = ("_source", "_value")

    def __init__(self, source):
        self._source = source
        self._value = None

    def materialize(self):
        """The logs as a plain dict of floats (computed once)."""
        if self._value is None:
            self._value = pythonify_logs(self._source())
        return self._value

    def __getitem__(self, key):
        return self.materialize()[key]

    def __iter__(self):
        return iter(self.materialize())

    def __len__(self):
        return len(self.materialize())

    def __repr__(self):
        return f"LazyLogs({self.materialize()!r})"
