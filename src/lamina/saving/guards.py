"""Guards that keep building a model from an untrusted config cheap and bounded.

A config is data, but building it allocates: ``Dense(units=10**9)`` asks for a
4 GB kernel, ``RepeatVector(10**9)`` for a huge activation while shapes are
inferred. While a loader builds a model, :func:`build_guards`

- caps the bytes of weights the config may create (the weights stored in the file
  plus a little slack: a genuine file stores every weight it needs) and checks each
  weight's shape *before* its initializer runs;
- makes shape inference run on PyTorch ``meta`` tensors first (no memory) for every
  layer, not only for large inputs.

Example:
    >>> from lamina.layers import Dense
    >>> with build_guards(max_weight_bytes=1000, what="model.keras"):
    ...     Dense(10**6)(torch.ones(1, 4))
    Traceback (most recent call last):
    ...
    lamina.saving.errors.LoadError: model.keras: the config makes Dense 'dense' create weight 'kernel' of shape (4, 1000000) (16000000 bytes), but the file stores only 1000 bytes of weights: the config does not match the weights
"""
import contextlib
import math
import threading

import torch

from lamina.core import symbolic
from lamina.core.dtypes import to_torch_dtype
from lamina.layers.layer import Layer
from lamina.saving.errors import LoadError

_lock = threading.RLock()
_local = threading.local()  # .budget: stack of [remaining bytes, label, total, skip initializers] per load


def _budget():
    stack = getattr(_local, "budget", None)
    if stack is None:
        stack = _local.budget = []
    return stack


def _guarded_create_weight(original):
    def create(self, shape=None, initializer=None, dtype=None, *args, **kwargs):
        stack = _budget()
        if stack:
            state = stack[-1]
            dims = (shape,) if isinstance(shape, int) else tuple(shape or ())
            try:
                count = math.prod(int(d) for d in dims)
            except (TypeError, ValueError):
                count = 0  # let the layer raise its own error for a malformed shape
            if any(isinstance(d, int) and d < 0 for d in dims):
                raise LoadError(f"{state[1]}: the config makes {self._label} create weight "
                                f"{kwargs.get('name')!r} with a negative dimension: {dims}")
            torch_dtype = to_torch_dtype(dtype if dtype is not None else self._dtype_name)
            size = count * torch.empty((), dtype=torch_dtype).element_size()
            if size > state[0]:
                raise LoadError(
                    f"{state[1]}: the config makes {self._label} create weight {kwargs.get('name')!r} of shape "
                    f"{dims} ({size} bytes), but the file stores only {state[2]} bytes of weights: the config "
                    "does not match the weights"
                )
            state[0] -= size
            if state[3]:
                initializer = "zeros"  # the file's values replace it: skip random draws and QR decompositions
        return original(self, shape, initializer, dtype, *args, **kwargs)

    create.__wrapped__ = original
    return create


@contextlib.contextmanager
def build_guards(max_weight_bytes, what, skip_initializers=False):
    """Within the block, weight creation is capped at ``max_weight_bytes`` and shape inference runs on meta first.

    With ``skip_initializers``, weights start as zeros (for loaders that overwrite every
    weight with the file's values; loading then draws no random numbers).

    Example:
        >>> with build_guards(10**6, "x.keras"):
        ...     pass
    """
    with _lock:
        original = Layer.__dict__["_create_weight"]
        patched = not hasattr(original, "__wrapped__")
        if patched:
            Layer._create_weight = _guarded_create_weight(original)
        threshold = symbolic._META_THRESHOLD
        symbolic._META_THRESHOLD = -1
        _budget().append([max_weight_bytes, what, max_weight_bytes, skip_initializers])
        try:
            yield
        finally:
            _budget().pop()
            symbolic._META_THRESHOLD = threshold
            if patched:
                Layer._create_weight = original
