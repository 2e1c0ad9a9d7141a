"""Turning user values (NumPy arrays, lists, scalars, tensors) into torch tensors.

Example:
    >>> convert_to_tensor(np.zeros((2, 3))).dtype  # float64 NumPy becomes floatx, as in Keras
    torch.float32
    >>> convert_to_tensor([1, 2]).dtype
    torch.int64
"""
import numpy as np
import torch

from lamina.core import config
from lamina.core.dtypes import to_torch_dtype
from lamina.core.symbolic import KerasTensor, resolve


def convert_to_tensor(x, dtype=None, device=None):
    """A torch tensor holding ``x`` on lamina's device.

    Float64 NumPy arrays and Python floats become ``floatx()`` unless ``dtype`` says
    otherwise; tensors are returned as they are (moved or cast only if asked).
    A KerasTensor is resolved to its value inside a capture scope, else returned.

    Example:
        >>> convert_to_tensor(3.0)
        tensor(3.)
    """
    if isinstance(x, torch.Tensor):
        if dtype is not None:
            x = x.to(to_torch_dtype(dtype))
        if device is not None:
            x = x.to(device)
        return x
    if isinstance(x, KerasTensor):
        return resolve(x)
    torch_dtype = to_torch_dtype(dtype) if dtype is not None else None
    device = device or config.device()
    if isinstance(x, np.ndarray):
        if torch_dtype is None and x.dtype == np.float64:
            torch_dtype = to_torch_dtype(None)
        if x.dtype == object:
            raise TypeError(f"Cannot convert a NumPy array of dtype object (shape {x.shape}) to a tensor")
        if not x.flags.writeable or x.dtype.byteorder not in "=|" or any(st < 0 for st in x.strides):
            x = np.ascontiguousarray(x).copy()  # torch cannot wrap read-only, byte-swapped or reversed arrays
        return torch.as_tensor(x, dtype=torch_dtype, device=device)
    if isinstance(x, (float, np.floating)) and torch_dtype is None:
        torch_dtype = to_torch_dtype(None)
    if isinstance(x, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in x):
        return torch.stack([convert_to_tensor(v, dtype, device) for v in x])
    if isinstance(x, (list, tuple)) and torch_dtype is None:
        array = np.asarray(x)
        return convert_to_tensor(array, None, device)
    return torch.as_tensor(x, dtype=torch_dtype, device=device)


def convert_to_numpy(x):
    """A NumPy array holding ``x`` (detached from autograd, copied to the CPU).

    Example:
        >>> convert_to_numpy(torch.ones(2)).tolist()
        [1.0, 1.0]
    """
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.float()
        return x.cpu().numpy()
    return np.asarray(x)


def is_tensor(x):
    """True for torch tensors (lamina's eager tensors).

    Example:
        >>> is_tensor(torch.ones(1)), is_tensor(np.ones(1))
        (True, False)
    """
    return isinstance(x, torch.Tensor)
