"""TensorFlow's eager-tensor conveniences on torch tensors, for programs run by ``lamina run``.

TensorFlow programs call ``t.numpy()`` (and ``np.asarray(t)``) on any tensor,
including results that depend on variables, and mix NumPy arrays and tensors
in arithmetic on either side (``x_train @ w``, ``y - output``). torch refuses
``.numpy()`` on tensors that require gradients (or live on a GPU) and does not
accept a NumPy array on the left of ``*``, ``@``, ``+``, ``-``, comparisons...

While :func:`install` is in effect:

* ``Tensor.numpy()`` returns the value on the host, detached;
* a NumPy array meeting a tensor in an operator is converted to a tensor first
  (a float array takes the tensor's float dtype, as TensorFlow converts it), so
  the result is a tensor that gradients flow through. (torch would hand the
  operation to NumPy, which reads the tensor's value through ``.numpy()``.)

Only cases that torch rejects change. ``lamina run`` installs this for the
script and removes it afterwards.

Example:
    >>> w = torch.ones(2, requires_grad=True)
    >>> install()
    >>> (np.ones(2, dtype="float32") * w).numpy().tolist()
    [1.0, 1.0]
    >>> uninstall()
"""
import operator

import numpy as np
import torch

_REFLECTED = {
    "__radd__": operator.add, "__rsub__": operator.sub, "__rmul__": operator.mul, "__rmatmul__": operator.matmul,
    "__rtruediv__": operator.truediv, "__rfloordiv__": operator.floordiv, "__rmod__": operator.mod,
    "__rpow__": operator.pow,
}
_FORWARD = ("__add__", "__sub__", "__mul__", "__matmul__", "__truediv__", "__floordiv__", "__mod__", "__pow__",
            "__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__")
_originals = {name: torch.Tensor.__dict__.get(name) for name in ("numpy", *_REFLECTED, *_FORWARD)}
_torch_numpy = torch.Tensor.numpy


def _tensor_like(array, tensor):
    array = np.asarray(array)
    dtype = tensor.dtype if array.dtype.kind == "f" and tensor.is_floating_point() else None
    return torch.as_tensor(array, dtype=dtype, device=tensor.device)


def _numpy(self, *, force=False):
    return _torch_numpy(self, force=True)


def _reflected(name, operation):
    original = getattr(torch.Tensor, name)

    def method(self, other):
        if isinstance(other, np.ndarray):
            return operation(_tensor_like(other, self), self)
        return original(self, other)

    method.__name__ = name
    return method


def _forward(name):
    original = getattr(torch.Tensor, name)

    def method(self, other):
        if isinstance(other, np.ndarray):
            other = _tensor_like(other, self)
        return original(self, other)

    method.__name__ = name
    return method


_patched = {"numpy": _numpy}
_patched.update({name: _reflected(name, operation) for name, operation in _REFLECTED.items()})
_patched.update({name: _forward(name) for name in _FORWARD})


def install():
    """Give torch tensors TensorFlow's ``.numpy()`` and NumPy-operand behaviour (until :func:`uninstall`).

    Example:
        >>> install(); uninstall()
    """
    for name, method in _patched.items():
        setattr(torch.Tensor, name, method)


def uninstall():
    """Restore torch's own methods.

    Example:
        >>> uninstall()
    """
    for name, original in _originals.items():
        if original is None:
            if name in torch.Tensor.__dict__:
                delattr(torch.Tensor, name)
        else:
            setattr(torch.Tensor, name, original)
