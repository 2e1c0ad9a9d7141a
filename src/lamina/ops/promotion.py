"""Keras 3's type promotion: the dtype an op returns for mixed inputs.

Keras promotes along a lattice (bool < unsigned/signed ints < floats < complex)
where Python numbers are *weak*: ``int8 + 1`` stays int8, ``int32 + 1.5`` is
float32, ``int32 + float16`` is float16, ``uint8 + int8`` is int16. Torch's own
rules agree for tensor-with-tensor operands, so most ops simply call torch; the
ops that Keras casts explicitly (``mean`` of ints, ``matmul`` of int8, ...) use
:func:`result_type`. Unlike Keras on its torch backend, 64-bit results are not
narrowed to 32 bits: an int64 ``maximum`` stays int64.

Example:
    >>> result_type(torch.int32, float)
    torch.float32
    >>> result_type("uint8", "int8")
    torch.int16
"""
import functools

import torch

from lamina.core import config
from lamina.core.dtypes import to_torch_dtype

_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3  # kinds, in promotion order
_SIGNED_INTS = {8: torch.int8, 16: torch.int16, 32: torch.int32, 64: torch.int64}


def _kind(dtype):
    if dtype is torch.bool:
        return _BOOL
    if dtype.is_complex:
        return _COMPLEX
    if dtype.is_floating_point:
        return _FLOAT
    return _INT


def _join(a, b):
    """Least upper bound of two dtypes on Keras's lattice."""
    if a is b:
        return a
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        high, low = (a, b) if ka > kb else (b, a)
        if high is torch.complex64 and low is torch.float64:
            return torch.complex128
        return high
    bits_a, bits_b = a.itemsize * 8, b.itemsize * 8
    if ka == _FLOAT and bits_a == bits_b == 16:
        return torch.float32  # float16 with bfloat16
    if ka == _INT and a.is_signed != b.is_signed:
        unsigned, signed = (bits_a, bits_b) if b.is_signed else (bits_b, bits_a)
        if signed > unsigned:
            return _SIGNED_INTS[signed]
        if unsigned == 64:
            return None  # no integer holds both: the weak float (floatx)
        return _SIGNED_INTS[2 * unsigned]
    return a if bits_a >= bits_b else b


@functools.lru_cache(maxsize=1024)
def _result_type(values, floatx):
    floatx = to_torch_dtype(floatx)
    weak_int = _SIGNED_INTS.get(floatx.itemsize * 8, torch.int32)  # Python ints take floatx's width
    result, weak = None, set()
    for value in values:
        if value is int or value is float:
            weak.add(value)
        elif result is None:
            result = value
        else:
            result = _join(result, value)
            if result is None:
                return floatx
    if result is None:
        return floatx if float in weak else weak_int
    kind = _kind(result)
    if float in weak and kind < _FLOAT:
        return floatx
    if int in weak and kind == _BOOL:
        return weak_int
    return result


def result_type(*dtypes):
    """The dtype Keras gives an op on inputs of these dtypes (``int``/``float`` = Python numbers).

    Example:
        >>> result_type("int32", "float16")
        torch.float16
        >>> result_type(torch.bool, int)
        torch.int32
    """
    values = tuple(d if d is int or d is float else (torch.bool if d is bool else to_torch_dtype(d)) for d in dtypes)
    return _result_type(values, config.floatx())


def python_dtype(x):
    """The dtype of a tensor or array, or the Python type (weak) of a number, for :func:`result_type`.

    Example:
        >>> python_dtype(1.5), python_dtype(torch.ones(1))
        (<class 'float'>, torch.float32)
    """
    if isinstance(x, torch.Tensor):
        return x.dtype
    if isinstance(x, bool):
        return torch.bool
    if isinstance(x, (int, float)):
        return type(x)
    return getattr(x, "dtype", None) or type(x)
