"""The ``@op`` decorator and the argument helpers every op shares.

An op is a plain function on torch tensors. ``@op`` adds the symbolic path: when
any argument is a :class:`~lamina.core.symbolic.KerasTensor`, the call is
recorded as a graph node (shapes inferred by running the function on
stand-ins) instead of being computed. The eager path costs one ``isinstance``
per positional argument.

Example:
    >>> @op
    ... def double(x):
    ...     return to_tensor(x) * 2
    >>> double([1.0, 2.0]).tolist()
    [2.0, 4.0]
    >>> from lamina.core.symbolic import KerasTensor
    >>> double(KerasTensor((None, 3))).shape
    (None, 3)
"""
import functools

import numpy as np
import torch

from lamina.core import config
from lamina.core.dtypes import to_torch_dtype
from lamina.core.symbolic import KerasTensor, symbolic_call
from lamina.core.tensors import convert_to_tensor as _core_convert
from lamina.core.variable import Variable

_MAYBE_SYMBOLIC = (KerasTensor, list, tuple, dict)
# values that can never hold a symbolic tensor, checked by one set lookup (much cheaper than isinstance)
_PLAIN = frozenset((torch.Tensor, torch.nn.Parameter, Variable, np.ndarray, int, float, bool, str, type(None),
                    torch.dtype))
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def _symbolic(value):
    """True if ``value`` is, or (in lists, tuples, dicts) contains, a KerasTensor."""
    if isinstance(value, KerasTensor):
        return True
    for item in value.values() if isinstance(value, dict) else value:
        if type(item) not in _PLAIN and isinstance(item, _MAYBE_SYMBOLIC) and _symbolic(item):
            return True
    return False


def op(fn):
    """Make ``fn`` (an eager function on tensors) accept symbolic ``KerasTensor`` arguments too.

    The eager path costs one set lookup per argument (tensors, arrays and numbers
    are never inspected further); lists, tuples and dicts are searched for
    symbolic tensors.

    Example:
        >>> @op
        ... def halve(x):
        ...     return to_tensor(x) / 2
        >>> halve(4.0).item()
        2.0
    """
    name = fn.__name__

    @functools.wraps(fn)
    def dispatch(*args, **kwargs):
        for value in args:
            if type(value) not in _PLAIN and isinstance(value, _MAYBE_SYMBOLIC) and _symbolic(value):
                return symbolic_call(fn, args, kwargs, name=name)
        if kwargs:
            for value in kwargs.values():
                if type(value) not in _PLAIN and isinstance(value, _MAYBE_SYMBOLIC) and _symbolic(value):
                    return symbolic_call(fn, args, kwargs, name=name)
        return fn(*args, **kwargs)

    dispatch.eager = fn
    return dispatch


def to_tensor(x, dtype=None):
    """``x`` as a torch tensor with Keras's dtype rules for Python values.

    Tensors pass through (cast only if ``dtype`` is given); Python ints become
    int32 (int64 if they do not fit), Python floats ``floatx()``, bools bool;
    NumPy arrays keep their dtype except float64, which becomes ``floatx()``
    (lamina's convention for user data).

    Example:
        >>> to_tensor(3).dtype, to_tensor([1.5]).dtype
        (torch.int32, torch.float32)
    """
    if isinstance(x, torch.Tensor):
        if dtype is not None:
            return x.to(to_torch_dtype(dtype))
        return x
    if isinstance(x, KerasTensor):
        raise TypeError(f"Expected a tensor, received the symbolic tensor {x!r} where a value is needed")
    if dtype is None:
        kind = type(x)
        if kind is int:
            return torch.tensor(x, dtype=_int_dtype(x, x), device=config.device())
        if kind in (list, tuple) and x and not any(isinstance(v, torch.Tensor) for v in x):
            array = np.asarray(x)
            if array.dtype == np.int64 and array.size:
                return torch.as_tensor(array, dtype=_int_dtype(array.min(), array.max()), device=config.device())
            if array.dtype == object:
                raise TypeError(f"Cannot convert {x!r} to a tensor: its elements are not numbers of one shape")
            return _core_convert(array)
    return _core_convert(x, dtype)


def _int_dtype(low, high):
    return torch.int32 if _INT32_MIN <= low and high <= _INT32_MAX else torch.int64


def scalar_tensor(value, like):
    """A 0-d tensor for Python number ``value`` (Keras dtype rules), on ``like``'s device.

    Example:
        >>> scalar_tensor(2, torch.ones(1)).dtype
        torch.int32
    """
    if isinstance(value, bool):
        dtype = torch.bool
    elif isinstance(value, int):
        dtype = _int_dtype(value, value)
    else:
        dtype = to_torch_dtype(None)
    return torch.tensor(value, dtype=dtype, device=like.device)


def operands(x1, x2):
    """Two ops arguments as tensors; a Python number facing a tensor becomes a weakly-typed 0-d tensor.

    A 0-d tensor does not widen the other operand's dtype within its kind, so
    ``int8_tensor + 1`` stays int8 and ``float16_tensor * 0.5`` stays float16,
    as in Keras.

    Example:
        >>> a, b = operands(torch.ones(2, dtype=torch.int8), 3)
        >>> (a + b).dtype
        torch.int8
    """
    t1 = isinstance(x1, torch.Tensor)
    t2 = isinstance(x2, torch.Tensor)
    if t1 and t2:
        return x1, x2
    if t1 and isinstance(x2, (int, float)):
        return x1, scalar_tensor(x2, x1)
    if t2 and isinstance(x1, (int, float)):
        return scalar_tensor(x1, x2), x2
    return to_tensor(x1), to_tensor(x2)


def number_operands(x1, x2):
    """Like :func:`operands`, but a Python number stays a number where torch types it as Keras would.

    Use it only with Python operators (``x1 + x2``), which accept a number on
    either side; this saves allocating a 0-d tensor on the hot path
    (``x * 0.5`` on a float tensor).

    Example:
        >>> number_operands(torch.ones(2), 0.5)[1]
        0.5
    """
    if isinstance(x1, torch.Tensor):
        if isinstance(x2, torch.Tensor) or _passes_as_number(x2, x1):
            return x1, x2
    elif isinstance(x2, torch.Tensor) and _passes_as_number(x1, x2):
        return x1, x2
    return operands(x1, x2)


def _passes_as_number(value, tensor):
    kind = type(value)
    if kind is float:
        return tensor.is_floating_point()
    if kind is int:
        return tensor.dtype is not torch.bool
    return False


def canonical_axis(axis, ndim, name="axis", op_name="op"):
    """``axis`` in ``[0, ndim)``, or a ValueError naming the op and the valid range.

    Example:
        >>> canonical_axis(-1, 3)
        2
    """
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op_name}: {name} must be an integer; received {name}={axis!r}")
    if not -ndim <= axis < max(ndim, 1):
        raise ValueError(
            f"{op_name}: {name}={axis} is out of range for a tensor of rank {ndim}; "
            f"expected an integer in [{-ndim}, {ndim - 1}]"
        )
    return int(axis) % max(ndim, 1)


def axis_tuple(axis):
    """``None`` stays ``None``; an int becomes a 1-tuple; a list becomes a tuple.

    Example:
        >>> axis_tuple(1), axis_tuple([0, 2]), axis_tuple(None)
        ((1,), (0, 2), None)
    """
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return (int(axis),)


def check_choice(value, choices, name, op_name):
    """Return lowercased ``value`` if it is one of ``choices``, else raise naming the valid ones.

    Example:
        >>> check_choice("SAME", ("valid", "same"), "padding", "conv")
        'same'
    """
    lowered = value.lower() if isinstance(value, str) else value
    if lowered not in choices:
        raise ValueError(f"{op_name}: unknown {name}={value!r}; expected one of {tuple(choices)}")
    return lowered
