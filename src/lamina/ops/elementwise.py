"""Element-wise numpy-like ops: arithmetic, comparisons, logic, and unary math.

All broadcast like NumPy and follow Keras's dtype rules: a Python number is
weakly typed (``int8_tensor + 1`` stays int8), integer inputs to float
functions (``exp``, ``sqrt``, ``log``...) give ``float32``.

Example:
    >>> add(torch.tensor([1, 2], dtype=torch.int32), 1.5).tolist()
    [2.5, 3.5]
    >>> sqrt([4, 9]).tolist()
    [2.0, 3.0]
"""
import torch

from lamina.core.dtypes import to_torch_dtype
from lamina.ops.dispatch import number_operands, op, operands, to_tensor
from lamina.ops.promotion import python_dtype, result_type

__all__ = [
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "divide_no_nan", "mod", "fmod",
    "power", "negative", "reciprocal", "square", "sqrt", "rsqrt", "cbrt", "exp", "exp2", "expm1", "log", "log1p",
    "log2", "log10", "logaddexp", "abs", "absolute", "sign", "floor", "ceil", "round", "trunc", "clip",
    "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
    "logical_and", "logical_or", "logical_not", "logical_xor", "isnan", "isinf", "isfinite", "isclose",
    "nan_to_num", "where", "cos", "sin", "tan", "arccos", "arcsin", "arctan", "arctan2", "cosh", "sinh",
    "tanh", "arccosh", "arcsinh", "arctanh", "erf", "erfinv", "hypot", "deg2rad", "rad2deg",
]


# -- arithmetic -------------------------------------------------------------------


@op
def add(x1, x2):
    """``x1 + x2`` element-wise.

    Example:
        >>> add([1, 2], [3, 4]).tolist()
        [4, 6]
    """
    x1, x2 = number_operands(x1, x2)
    return x1 + x2


@op
def subtract(x1, x2):
    """``x1 - x2`` element-wise (a bool operand takes the other one's dtype).

    Example:
        >>> subtract([5.0], 2).tolist()
        [3.0]
    """
    x1, x2 = number_operands(x1, x2)
    if isinstance(x1, torch.Tensor) and x1.dtype is torch.bool and isinstance(x2, torch.Tensor):
        x1 = x1.to(x2.dtype)
    if isinstance(x2, torch.Tensor) and x2.dtype is torch.bool and isinstance(x1, torch.Tensor):
        x2 = x2.to(x1.dtype)
    return x1 - x2


@op
def multiply(x1, x2):
    """``x1 * x2`` element-wise.

    Example:
        >>> multiply([1.0, 2.0], 3).tolist()
        [3.0, 6.0]
    """
    x1, x2 = number_operands(x1, x2)
    return x1 * x2


@op
def divide(x1, x2):
    """True division ``x1 / x2`` (integers give floats).

    Example:
        >>> divide([1, 3], 2).tolist()
        [0.5, 1.5]
    """
    x1, x2 = number_operands(x1, x2)
    return x1 / x2


@op
def true_divide(x1, x2):
    """The same as :func:`divide`.

    Example:
        >>> true_divide([1], 4).tolist()
        [0.25]
    """
    return divide.eager(x1, x2)


@op
def floor_divide(x1, x2):
    """``x1 // x2`` element-wise, rounding toward minus infinity.

    Example:
        >>> floor_divide([7, -7], 2).tolist()
        [3, -4]
    """
    x1, x2 = operands(x1, x2)
    return torch.floor_divide(x1, x2)


@op
def divide_no_nan(x1, x2):
    """``x1 / x2``, but 0 wherever ``x2`` is 0.

    Example:
        >>> divide_no_nan([1.0, 1.0], [2.0, 0.0]).tolist()
        [0.5, 0.0]
    """
    x1 = x1 if isinstance(x1, (int, float)) else to_tensor(x1)
    x2 = x2 if isinstance(x2, (int, float)) else to_tensor(x2)
    dtype = result_type(python_dtype(x1), python_dtype(x2), float)  # Python numbers weak, as Keras here
    x1, x2 = to_tensor(x1, dtype), to_tensor(x2, dtype)
    zero = x2 == 0
    return torch.where(zero, torch.zeros((), dtype=dtype, device=x1.device), x1 / torch.where(zero, 1, x2))


@op
def mod(x1, x2):
    """Remainder with the sign of the divisor (NumPy's ``mod``).

    Example:
        >>> mod([5, -5], 3).tolist()
        [2, 1]
    """
    x1, x2 = operands(x1, x2)
    if x1.dtype is torch.bool and x2.dtype is torch.bool:
        x1, x2 = x1.int(), x2.int()
    return torch.remainder(x1, x2)


@op
def fmod(x1, x2):
    """Remainder with the sign of the dividend (C's ``fmod``).

    Example:
        >>> fmod([5, -5], 3).tolist()
        [2, -2]
    """
    x1, x2 = operands(x1, x2)
    if x1.dtype is torch.bool and x2.dtype is torch.bool:
        x1, x2 = x1.int(), x2.int()
    return torch.fmod(x1, x2)


@op
def power(x1, x2):
    """``x1 ** x2`` element-wise.

    Example:
        >>> power([2.0, 3.0], 2).tolist()
        [4.0, 9.0]
    """
    x1, x2 = number_operands(x1, x2)
    return x1**x2


@op
def negative(x):
    """``-x``.

    Example:
        >>> negative([1, -2]).tolist()
        [-1, 2]
    """
    return torch.negative(to_tensor(x))


@op
def reciprocal(x):
    """``1 / x``.

    Example:
        >>> reciprocal([2.0, 4.0]).tolist()
        [0.5, 0.25]
    """
    return torch.reciprocal(to_tensor(x))


@op
def square(x):
    """``x * x`` (bool inputs give int32).

    Example:
        >>> square([-3, 2]).tolist()
        [9, 4]
    """
    x = to_tensor(x)
    if x.dtype is torch.bool:
        x = x.int()
    return torch.square(x)


def _floating(x):
    """Integers and bools as ``floatx()``; floats unchanged."""
    x = to_tensor(x)
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(to_torch_dtype(None))
    return x


@op
def sqrt(x):
    """Square root.

    Example:
        >>> sqrt([4.0]).tolist()
        [2.0]
    """
    return torch.sqrt(_floating(x))


@op
def rsqrt(x):
    """``1 / sqrt(x)``.

    Example:
        >>> rsqrt([4.0]).tolist()
        [0.5]
    """
    return torch.rsqrt(_floating(x))


@op
def cbrt(x):
    """Cube root (negative inputs give negative roots).

    Example:
        >>> round(cbrt([-8.0, 27.0])).tolist()
        [-2.0, 3.0]
    """
    x = _floating(x)
    return torch.sign(x) * torch.abs(x) ** (1.0 / 3.0)


def _unary(torch_fn, name, doc_example):
    def fn(x):
        return torch_fn(_floating(x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Element-wise ``{name}`` (integer inputs give floatx).\n\n    Example:\n{doc_example}"
    return op(fn)


exp = _unary(torch.exp, "exp", "        >>> exp([0.0]).tolist()\n        [1.0]\n")
exp2 = _unary(torch.exp2, "exp2", "        >>> exp2([3.0]).tolist()\n        [8.0]\n")
expm1 = _unary(torch.expm1, "expm1", "        >>> expm1([0.0]).tolist()\n        [0.0]\n")
log = _unary(torch.log, "log", "        >>> log([1.0]).tolist()\n        [0.0]\n")
log1p = _unary(torch.log1p, "log1p", "        >>> log1p([0.0]).tolist()\n        [0.0]\n")
log2 = _unary(torch.log2, "log2", "        >>> log2([8.0]).tolist()\n        [3.0]\n")
log10 = _unary(torch.log10, "log10", "        >>> log10([100.0]).tolist()\n        [2.0]\n")
cos = _unary(torch.cos, "cos", "        >>> cos([0.0]).tolist()\n        [1.0]\n")
sin = _unary(torch.sin, "sin", "        >>> sin([0.0]).tolist()\n        [0.0]\n")
tan = _unary(torch.tan, "tan", "        >>> tan([0.0]).tolist()\n        [0.0]\n")
arccos = _unary(torch.arccos, "arccos", "        >>> arccos([1.0]).tolist()\n        [0.0]\n")
arcsin = _unary(torch.arcsin, "arcsin", "        >>> arcsin([0.0]).tolist()\n        [0.0]\n")
arctan = _unary(torch.arctan, "arctan", "        >>> arctan([0.0]).tolist()\n        [0.0]\n")
cosh = _unary(torch.cosh, "cosh", "        >>> cosh([0.0]).tolist()\n        [1.0]\n")
sinh = _unary(torch.sinh, "sinh", "        >>> sinh([0.0]).tolist()\n        [0.0]\n")
tanh = _unary(torch.tanh, "tanh", "        >>> tanh([0.0]).tolist()\n        [0.0]\n")
arccosh = _unary(torch.arccosh, "arccosh", "        >>> arccosh([1.0]).tolist()\n        [0.0]\n")
arcsinh = _unary(torch.arcsinh, "arcsinh", "        >>> arcsinh([0.0]).tolist()\n        [0.0]\n")
arctanh = _unary(torch.arctanh, "arctanh", "        >>> arctanh([0.0]).tolist()\n        [0.0]\n")
erf = _unary(torch.erf, "erf", "        >>> erf([0.0]).tolist()\n        [0.0]\n")
erfinv = _unary(torch.erfinv, "erfinv", "        >>> erfinv([0.0]).tolist()\n        [0.0]\n")
deg2rad = _unary(torch.deg2rad, "deg2rad", "        >>> deg2rad([0.0]).tolist()\n        [0.0]\n")
rad2deg = _unary(torch.rad2deg, "rad2deg", "        >>> rad2deg([0.0]).tolist()\n        [0.0]\n")


@op
def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` without overflow.

    Example:
        >>> logaddexp([0.0], [0.0]).tolist()  # log(2)
        [0.6931471824645996]
    """
    x1, x2 = operands(x1, x2)
    dtype = result_type(x1.dtype, x2.dtype, float)
    return torch.logaddexp(x1.to(dtype), x2.to(dtype))


@op
def arctan2(x1, x2):
    """The angle of the point ``(x2, x1)``, in ``[-pi, pi]``.

    Example:
        >>> arctan2([0.0], [1.0]).tolist()
        [0.0]
    """
    x1, x2 = operands(x1, x2)
    dtype = result_type(x1.dtype, x2.dtype, float)
    return torch.arctan2(x1.to(dtype), x2.to(dtype))


@op
def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)`` element-wise.

    Example:
        >>> hypot([3.0], [4.0]).tolist()
        [5.0]
    """
    x1, x2 = operands(x1, x2)
    dtype = result_type(x1.dtype, x2.dtype, float)
    return torch.hypot(x1.to(dtype), x2.to(dtype))


@op
def abs(x):
    """Absolute value (bools unchanged).

    Example:
        >>> abs([-1, 2]).tolist()
        [1, 2]
    """
    x = to_tensor(x)
    return x if x.dtype is torch.bool else torch.abs(x)


absolute = abs


@op
def sign(x):
    """-1, 0 or 1 by the sign of each element.

    Example:
        >>> sign([-2.0, 0.0, 3.0]).tolist()
        [-1.0, 0.0, 1.0]
    """
    return torch.sign(to_tensor(x))


def _rounding_input(x):
    """Floats unchanged; int64 as floatx; smaller ints and bools by Keras's promotion with float."""
    x = to_tensor(x)
    if x.is_floating_point():
        return x
    if x.dtype is torch.int64:
        return x.to(to_torch_dtype(None))
    return x.to(result_type(x.dtype, float))


@op
def floor(x):
    """Largest integer not above each element (as a float).

    Example:
        >>> floor([1.7, -1.2]).tolist()
        [1.0, -2.0]
    """
    return torch.floor(_rounding_input(x))


@op
def ceil(x):
    """Smallest integer not below each element (as a float).

    Example:
        >>> ceil([1.2, -1.7]).tolist()
        [2.0, -1.0]
    """
    return torch.ceil(_rounding_input(x))


@op
def round(x, decimals=0):
    """Round half to even, to ``decimals`` places (integer inputs keep their dtype).

    Example:
        >>> round([0.5, 1.5, 2.26], decimals=0).tolist()
        [0.0, 2.0, 2.0]
    """
    x = to_tensor(x)
    if x.is_floating_point():
        return torch.round(x, decimals=decimals)
    if x.dtype is torch.bool:
        return x
    return torch.round(x.to(to_torch_dtype(None)), decimals=decimals).to(x.dtype)


@op
def trunc(x):
    """Round toward zero.

    Example:
        >>> trunc([-1.7, 1.7]).tolist()
        [-1.0, 1.0]
    """
    x = to_tensor(x)
    return x if x.dtype is torch.bool else torch.trunc(x)


@op
def clip(x, x_min, x_max):
    """Limit values to ``[x_min, x_max]`` (bools clip as int32).

    Example:
        >>> clip([-2, 0, 5], 0, 3).tolist()
        [0, 0, 3]
    """
    x = to_tensor(x)
    if x.dtype is torch.bool:
        x = x.int()
    if not isinstance(x_min, (int, float, type(None))):
        x_min = to_tensor(x_min)
    if not isinstance(x_max, (int, float, type(None))):
        x_max = to_tensor(x_max)
    return torch.clamp(x, x_min, x_max)


@op
def maximum(x1, x2):
    """Element-wise maximum (NaN propagates).

    Example:
        >>> maximum([1, 5], [3, 2]).tolist()
        [3, 5]
    """
    x1, x2 = operands(x1, x2)
    return torch.maximum(x1, x2)


@op
def minimum(x1, x2):
    """Element-wise minimum (NaN propagates).

    Example:
        >>> minimum([1, 5], [3, 2]).tolist()
        [1, 2]
    """
    x1, x2 = operands(x1, x2)
    return torch.minimum(x1, x2)


# -- comparisons and logic ---------------------------------------------------------


def _comparison(torch_fn, name, symbol, example):
    def fn(x1, x2):
        x1, x2 = number_operands(x1, x2)
        if not isinstance(x1, torch.Tensor):
            x1 = to_tensor(x1)
        return torch_fn(x1, x2)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (
        f"Element-wise ``x1 {symbol} x2`` as a bool tensor.\n\n    Example:\n"
        f"        >>> {name}([1, 2, 3], 2).tolist()\n        {example}\n"
    )
    return op(fn)


equal = _comparison(torch.eq, "equal", "==", "[False, True, False]")
not_equal = _comparison(torch.ne, "not_equal", "!=", "[True, False, True]")
greater = _comparison(torch.gt, "greater", ">", "[False, False, True]")
greater_equal = _comparison(torch.ge, "greater_equal", ">=", "[False, True, True]")
less = _comparison(torch.lt, "less", "<", "[True, False, False]")
less_equal = _comparison(torch.le, "less_equal", "<=", "[True, True, False]")


@op
def logical_and(x1, x2):
    """Element-wise logical AND (non-zero is True).

    Example:
        >>> logical_and([True, False], True).tolist()
        [True, False]
    """
    x1, x2 = operands(x1, x2)
    return torch.logical_and(x1, x2)


@op
def logical_or(x1, x2):
    """Element-wise logical OR.

    Example:
        >>> logical_or([True, False], False).tolist()
        [True, False]
    """
    x1, x2 = operands(x1, x2)
    return torch.logical_or(x1, x2)


@op
def logical_xor(x1, x2):
    """Element-wise logical XOR.

    Example:
        >>> logical_xor([True, False], True).tolist()
        [False, True]
    """
    x1, x2 = operands(x1, x2)
    return torch.logical_xor(x1, x2)


@op
def logical_not(x):
    """Element-wise logical NOT.

    Example:
        >>> logical_not([True, False]).tolist()
        [False, True]
    """
    return torch.logical_not(to_tensor(x))


@op
def isnan(x):
    """True where ``x`` is NaN.

    Example:
        >>> isnan([1.0, float("nan")]).tolist()
        [False, True]
    """
    return torch.isnan(to_tensor(x))


@op
def isinf(x):
    """True where ``x`` is +-infinity.

    Example:
        >>> isinf([1.0, float("inf")]).tolist()
        [False, True]
    """
    return torch.isinf(to_tensor(x))


@op
def isfinite(x):
    """True where ``x`` is neither infinite nor NaN.

    Example:
        >>> isfinite([1.0, float("inf")]).tolist()
        [True, False]
    """
    return torch.isfinite(to_tensor(x))


@op
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True where ``|x1 - x2| <= atol + rtol * |x2|`` (exact equality for integers).

    Example:
        >>> isclose([1.0, 1.1], [1.0, 1.0]).tolist()
        [True, False]
    """
    x1, x2 = operands(x1, x2)
    dtype = result_type(x1.dtype, x2.dtype)
    x1, x2 = x1.to(dtype), x2.to(dtype)
    if dtype.is_floating_point:
        return torch.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return torch.eq(x1, x2)


@op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN by ``nan`` and infinities by ``posinf``/``neginf`` (default: the dtype's extremes).

    Example:
        >>> nan_to_num([float("nan"), 1.0]).tolist()
        [0.0, 1.0]
    """
    return torch.nan_to_num(to_tensor(x), nan=nan, posinf=posinf, neginf=neginf)


@op
def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``; with one argument, the indices where it holds.

    Example:
        >>> where([True, False], 1.0, 0.0).tolist()
        [1.0, 0.0]
        >>> where([[0, 1], [1, 0]]).tolist()  # one row of indices per axis
        [[0, 1], [1, 0]]
    """
    condition = to_tensor(condition)
    if condition.dtype is not torch.bool:
        condition = condition.bool()
    if x1 is None and x2 is None:
        return torch.stack(torch.where(condition), dim=0)
    if x1 is None or x2 is None:
        raise ValueError("where: give both x1 and x2, or neither (to get the indices where condition holds)")
    x1, x2 = operands(x1, x2)
    return torch.where(condition, x1, x2)
