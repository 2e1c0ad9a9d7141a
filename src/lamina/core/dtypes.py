"""Conversion between Keras dtype names (``'float32'``) and torch dtypes.

Example:
    >>> to_torch_dtype("float32")
    torch.float32
    >>> dtype_name(torch.int64)
    'int64'
"""
import numpy as np
import torch

from lamina.core import config

_NAME_TO_TORCH = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "int": "int64", "long": "int64"}
_TORCH_TO_NAME = {v: k for k, v in _NAME_TO_TORCH.items()}


STRING = "string"
_STRING_NAMES = ("string", "str", "object", "bytes")


def is_string_dtype(dtype):
    """True for Keras's ``'string'`` dtype (NumPy ``str``/``object``/``bytes`` arrays).

    Example:
        >>> is_string_dtype("string"), is_string_dtype(np.dtype("<U3")), is_string_dtype("float32")
        (True, True, False)
    """
    if isinstance(dtype, str):
        return dtype in _STRING_NAMES
    if dtype in (str, bytes, object):
        return True
    try:
        return np.dtype(dtype).kind in "USO"
    except TypeError:
        return False


def to_torch_dtype(dtype):
    """Turn ``'float32'``, ``np.float32``, ``torch.float32`` or ``None`` (floatx) into a torch dtype.

    Example:
        >>> to_torch_dtype(np.int32)
        torch.int32
    """
    if dtype is None:
        return _NAME_TO_TORCH[config.floatx()]
    if isinstance(dtype, torch.dtype):
        return dtype
    name = getattr(dtype, "name", None) if not isinstance(dtype, str) else dtype
    if name is None:
        name = np.dtype(dtype).name
    name = _ALIASES.get(name, name)
    if name in _STRING_NAMES:
        raise ValueError("string data has no torch dtype: it stays a NumPy array of str until a layer encodes it")
    if name not in _NAME_TO_TORCH:
        raise ValueError(f"Unknown dtype {dtype!r}; expected one of {sorted(_NAME_TO_TORCH)}")
    return _NAME_TO_TORCH[name]


def dtype_name(dtype):
    """The Keras name of a dtype given as a string, numpy or torch dtype (``'string'`` for text).

    Example:
        >>> dtype_name(torch.float32), dtype_name("str")
        ('float32', 'string')
    """
    if not isinstance(dtype, torch.dtype) and dtype is not None and is_string_dtype(dtype):
        return STRING
    return _TORCH_TO_NAME[to_torch_dtype(dtype)]


def is_float(dtype):
    """True for floating dtypes.

    Example:
        >>> is_float("float32"), is_float("int32")
        (True, False)
    """
    return to_torch_dtype(dtype).is_floating_point
