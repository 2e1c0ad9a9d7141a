"""``tf.math``: element-wise math, comparisons, logic and reductions with TensorFlow's semantics.

Where TensorFlow differs from torch the TensorFlow behaviour is kept:
``reduce_sum`` of int32 stays int32, ``reduce_mean`` of integers is an integer
(truncated), ``argmax``/``argmin`` reduce axis 0 by default and return int64,
``divide``/``truediv`` of int32 or int64 give float64, ``floordiv`` floors and
``floormod``/``mod`` take the sign of the divisor, ``round`` rounds halves to
even. Every function also takes symbolic tensors.

Example:
    >>> from lamina.compat.tensorflow import math as tfm
    >>> tfm.reduce_mean(torch.tensor([1, 2], dtype=torch.int32)).item()
    1
    >>> tfm.argmax(torch.tensor([[1.0, 5.0], [3.0, 2.0]])).tolist()
    [1, 0]
"""
import builtins

import torch
import torch.nn.functional as F

from lamina import ops
from lamina.compat.tensorflow._subset import missing_names
from lamina.compat.tensorflow.tensors import convert_to_tensor
from lamina.core.dtypes import to_torch_dtype
from lamina.ops.dispatch import op

__all__ = [
    "abs", "add", "add_n", "argmax", "argmin", "ceil", "cos", "cosh", "count_nonzero", "cumprod", "cumsum",
    "divide", "divide_no_nan", "equal", "erf", "exp", "expm1", "floor", "floordiv", "floormod", "greater",
    "greater_equal", "in_top_k", "is_finite", "is_inf", "is_nan", "l2_normalize", "less", "less_equal", "log",
    "log1p", "log_sigmoid", "log_softmax", "logical_and", "logical_not", "logical_or", "logical_xor", "maximum",
    "minimum", "mod", "multiply", "negative", "not_equal", "pow", "reciprocal", "reduce_all", "reduce_any",
    "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min", "reduce_prod", "reduce_std", "reduce_sum",
    "reduce_variance", "round", "rsqrt", "scalar_mul", "sigmoid", "sign", "sin", "sinh", "softmax", "softplus",
    "sqrt", "square", "squared_difference", "subtract", "tan", "tanh", "top_k", "truediv",
]


def _t(x):
    return convert_to_tensor(x)


def _number_like(value, tensor):
    if isinstance(value, float) and not (tensor.is_floating_point() or tensor.is_complex()) and value != int(value):
        raise TypeError(f"Cannot convert {value!r} to a tensor of dtype {tensor.dtype} (TensorFlow does not either)")
    return torch.as_tensor(value, dtype=tensor.dtype, device=tensor.device)


def _pair(x, y):
    """Two operands; a Python number takes the other operand's dtype, as TensorFlow converts it."""
    x_tensor, y_tensor = isinstance(x, torch.Tensor), isinstance(y, torch.Tensor)
    if x_tensor and not y_tensor:
        return x, _number_like(y, x) if isinstance(y, (int, float)) else _t(y)
    if y_tensor and not x_tensor:
        return (_number_like(x, y) if isinstance(x, (int, float)) else _t(x)), y
    return _t(x), _t(y)


def _dims(axis, x):
    if axis is None:
        return None
    if isinstance(axis, torch.Tensor):
        axis = axis.tolist()
    axes = (axis,) if isinstance(axis, int) else tuple(int(a) for a in axis)
    for a in axes:
        if not -x.dim() <= a < builtins.max(x.dim(), 1):
            raise ValueError(f"axis {a} is out of range for a tensor of rank {x.dim()} (shape {tuple(x.shape)})")
    return axes


# -- element-wise ------------------------------------------------------------------------------

def named_op(fn, name, doc):
    """``fn`` renamed to ``name`` with docstring ``doc``, made symbolic-aware by ``lamina.ops``' ``op``.

    Example:
        >>> twice = named_op(lambda x: x * 2, "twice", "Twice x.")
        >>> twice.__name__, twice(torch.ones(1)).tolist()
        ('twice', [2.0])
    """
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return op(fn)


def _unary(torch_fn, name, float_only=False):
    def fn(x, name=None):
        x = _t(x)
        if float_only and not (x.is_floating_point() or x.is_complex()):
            raise TypeError(f"tf.math.{fn.__name__}: expected a float tensor; received dtype {x.dtype}")
        return torch_fn(x)

    return named_op(fn, name, f"Element-wise ``{name}`` (TensorFlow's ``tf.math.{name}``).\n\n    Example:\n"
                            f"        >>> {name}(torch.tensor([0.5])).shape\n        torch.Size([1])\n    ")


abs = _unary(torch.abs, "abs")
ceil = _unary(torch.ceil, "ceil", True)
cos = _unary(torch.cos, "cos", True)
cosh = _unary(torch.cosh, "cosh", True)
erf = _unary(torch.erf, "erf", True)
exp = _unary(torch.exp, "exp", True)
expm1 = _unary(torch.expm1, "expm1", True)
floor = _unary(torch.floor, "floor", True)
log = _unary(torch.log, "log", True)
log1p = _unary(torch.log1p, "log1p", True)
log_sigmoid = _unary(F.logsigmoid, "log_sigmoid", True)
negative = _unary(torch.negative, "negative")
reciprocal = _unary(torch.reciprocal, "reciprocal", True)
round = _unary(torch.round, "round")
rsqrt = _unary(torch.rsqrt, "rsqrt", True)
sigmoid = _unary(torch.sigmoid, "sigmoid", True)
sign = _unary(torch.sign, "sign")
sin = _unary(torch.sin, "sin", True)
sinh = _unary(torch.sinh, "sinh", True)
softplus = _unary(F.softplus, "softplus", True)
sqrt = _unary(torch.sqrt, "sqrt", True)
square = _unary(torch.square, "square")
tan = _unary(torch.tan, "tan", True)
tanh = _unary(torch.tanh, "tanh", True)
is_nan = _unary(torch.isnan, "is_nan")
is_inf = _unary(torch.isinf, "is_inf")
is_finite = _unary(torch.isfinite, "is_finite")


def _binary(torch_fn, name):
    def fn(x, y, name=None):
        return torch_fn(*_pair(x, y))

    return named_op(fn, name, f"Element-wise ``{name}`` of two tensors (broadcasting).\n\n    Example:\n"
                            f"        >>> {name}(torch.tensor([4.0]), torch.tensor([2.0])).shape\n"
                            "        torch.Size([1])\n    ")


add = _binary(torch.add, "add")
subtract = _binary(torch.subtract, "subtract")
multiply = _binary(torch.multiply, "multiply")
maximum = _binary(torch.maximum, "maximum")
minimum = _binary(torch.minimum, "minimum")
equal = _binary(torch.eq, "equal")
not_equal = _binary(torch.ne, "not_equal")
greater = _binary(torch.gt, "greater")
greater_equal = _binary(torch.ge, "greater_equal")
less = _binary(torch.lt, "less")
less_equal = _binary(torch.le, "less_equal")
floordiv = _binary(torch.floor_divide, "floordiv")
floormod = mod = _binary(torch.remainder, "floormod")
squared_difference = _binary(lambda x, y: torch.square(x - y), "squared_difference")


@op
def pow(x, y, name=None):
    """``x ** y`` element-wise.

    Example:
        >>> pow(torch.tensor([2.0, 3.0]), 2).tolist()
        [4.0, 9.0]
    """
    return torch.pow(*_pair(x, y))


def _logical(torch_fn, label):
    def fn(x, y, name=None):
        x, y = _t(x), _t(y)
        if x.dtype is not torch.bool or y.dtype is not torch.bool:
            raise TypeError(f"tf.math.{label}: expected bool tensors; received dtypes {x.dtype} and {y.dtype}")
        return torch_fn(x, y)

    return named_op(fn, label, f"Element-wise ``{label}`` of two bool tensors.\n\n    Example:\n"
                             f"        >>> {label}(torch.tensor([True]), torch.tensor([False])).dtype\n"
                             "        torch.bool\n    ")


logical_and = _logical(torch.logical_and, "logical_and")
logical_or = _logical(torch.logical_or, "logical_or")
logical_xor = _logical(torch.logical_xor, "logical_xor")


@op
def logical_not(x, name=None):
    """Element-wise NOT of a bool tensor.

    Example:
        >>> logical_not(torch.tensor([True, False])).tolist()
        [False, True]
    """
    x = _t(x)
    if x.dtype is not torch.bool:
        raise TypeError(f"tf.math.logical_not: expected a bool tensor; received dtype {x.dtype}")
    return torch.logical_not(x)


_TRUEDIV_FLOAT = {torch.int8: torch.float32, torch.int16: torch.float32, torch.uint8: torch.float32,
                  torch.int32: torch.float64, torch.int64: torch.float64}


@op
def truediv(x, y, name=None):
    """``x / y``; int8/int16 operands divide as float32, int32/int64 as float64 (TensorFlow's rule).

    Example:
        >>> truediv(torch.tensor([7], dtype=torch.int32), torch.tensor([2], dtype=torch.int32)).dtype
        torch.float64
    """
    x, y = _pair(x, y)
    target = _TRUEDIV_FLOAT.get(x.dtype)
    if target is not None and x.dtype == y.dtype:
        x, y = x.to(target), y.to(target)
    return torch.true_divide(x, y)


divide = truediv


@op
def divide_no_nan(x, y, name=None):
    """``x / y``, with 0 wherever ``y`` is 0.

    Example:
        >>> divide_no_nan(torch.tensor([1.0, 1.0]), torch.tensor([2.0, 0.0])).tolist()
        [0.5, 0.0]
    """
    x, y = _pair(x, y)
    zero = y == 0
    return torch.where(zero, torch.zeros_like(x / torch.where(zero, torch.ones_like(y), y)),
                       x / torch.where(zero, torch.ones_like(y), y))


@op
def scalar_mul(scalar, x, name=None):
    """``scalar * x``.

    Example:
        >>> scalar_mul(2.0, torch.tensor([1.5])).tolist()
        [3.0]
    """
    return scalar * _t(x)


def add_n(inputs, name=None):
    """The element-wise sum of a list of same-shaped tensors.

    Example:
        >>> add_n([torch.ones(2), torch.ones(2)]).tolist()
        [2.0, 2.0]
    """
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError(f"tf.math.add_n: inputs must be a non-empty list of tensors; received {inputs!r}")
    total = inputs[0]
    for item in inputs[1:]:
        total = add(total, item)
    return total


# -- reductions --------------------------------------------------------------------------------

def _reduction(torch_fn, label, keep_int=True, example="torch.ones(2, 3)"):
    def fn(input_tensor, axis=None, keepdims=False, name=None):
        x = _t(input_tensor)
        dims = _dims(axis, x)
        if dims == ():
            return x
        result = torch_fn(x, dims, bool(keepdims))
        if keep_int and result.dtype != x.dtype and not x.is_floating_point() and x.dtype is not torch.bool:
            result = result.to(x.dtype)
        return result

    return named_op(fn, label, f"``tf.math.{label}`` over ``axis`` (an int, a list, or ``None`` for all axes).\n\n"
                             f"    Example:\n        >>> {label}({example}, axis=1).shape\n"
                             "        torch.Size([2])\n    ")


def _sum(x, dims, keepdims):
    return torch.sum(x, dim=dims, keepdim=keepdims)


def _mean(x, dims, keepdims):
    if x.is_floating_point() or x.is_complex():
        return torch.mean(x, dim=dims, keepdim=keepdims)
    total = torch.sum(x.long(), dim=dims, keepdim=keepdims)
    count = x.numel() // builtins.max(total.numel(), 1) if x.numel() else 1
    return torch.div(total, builtins.max(count, 1), rounding_mode="trunc")


def _max(x, dims, keepdims):
    return torch.amax(x, dim=dims if dims is not None else tuple(range(x.dim())), keepdim=keepdims)


def _min(x, dims, keepdims):
    return torch.amin(x, dim=dims if dims is not None else tuple(range(x.dim())), keepdim=keepdims)


def _prod(x, dims, keepdims):
    dims = tuple(range(x.dim())) if dims is None else tuple(d % x.dim() for d in dims)
    for d in sorted(dims, reverse=True):
        x = torch.prod(x, dim=d, keepdim=keepdims)
    return x


def _bool(torch_fn, label):
    def reduce(x, dims, keepdims):
        if x.dtype is not torch.bool:
            raise TypeError(f"tf.math.{label}: expected a bool tensor; received dtype {x.dtype}")
        dims = tuple(range(x.dim())) if dims is None else dims
        return torch_fn(x, dim=dims, keepdim=keepdims) if dims else x
    return reduce


def _variance(x, dims, keepdims):
    return torch.var(x, dim=dims, keepdim=keepdims, correction=0)


def _std(x, dims, keepdims):
    return torch.std(x, dim=dims, keepdim=keepdims, correction=0)


def _logsumexp(x, dims, keepdims):
    return torch.logsumexp(x, dim=dims if dims is not None else tuple(range(x.dim())), keepdim=keepdims)


reduce_sum = _reduction(_sum, "reduce_sum")
reduce_mean = _reduction(_mean, "reduce_mean")
reduce_max = _reduction(_max, "reduce_max")
reduce_min = _reduction(_min, "reduce_min")
reduce_prod = _reduction(_prod, "reduce_prod")
reduce_all = _reduction(_bool(torch.all, "reduce_all"), "reduce_all", example="torch.ones(2, 3, dtype=torch.bool)")
reduce_any = _reduction(_bool(torch.any, "reduce_any"), "reduce_any", example="torch.ones(2, 3, dtype=torch.bool)")
reduce_variance = _reduction(_variance, "reduce_variance", keep_int=False)
reduce_std = _reduction(_std, "reduce_std", keep_int=False)
reduce_logsumexp = _reduction(_logsumexp, "reduce_logsumexp", keep_int=False)


@op
def count_nonzero(input, axis=None, keepdims=False, dtype=torch.int64, name=None):
    """The number of non-zero values over ``axis`` (int64).

    Example:
        >>> count_nonzero(torch.tensor([0.0, 2.0, 3.0])).item()
        2
    """
    x = _t(input)
    dims = _dims(axis, x)
    return torch.sum(x != 0, dim=dims, keepdim=keepdims).to(to_torch_dtype(dtype))


def _arg(torch_fn, label):
    def fn(input, axis=None, output_type=torch.int64, name=None):
        x = _t(input)
        axis = 0 if axis is None else int(axis)
        if not -x.dim() <= axis < builtins.max(x.dim(), 1):
            raise ValueError(f"tf.math.{label}: axis {axis} is out of range for shape {tuple(x.shape)}")
        return torch_fn(x, dim=axis).to(to_torch_dtype(output_type))

    which = "largest" if "max" in label else "smallest"
    return named_op(fn, label, f"Index of the {which} value along ``axis`` (0 by default; int64).\n\n    Example:\n"
                             f"        >>> {label}(torch.tensor([1.0, 3.0, 2.0])).dtype\n        torch.int64\n    ")


argmax = _arg(torch.argmax, "argmax")
argmin = _arg(torch.argmin, "argmin")


@op
def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis`` (``exclusive`` shifts by one; ``reverse`` sums from the end).

    Example:
        >>> cumsum(torch.tensor([1, 2, 3]), exclusive=True).tolist()
        [0, 1, 3]
    """
    return _scan(torch.cumsum, _t(x), int(axis), exclusive, reverse, 0)


@op
def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along ``axis``.

    Example:
        >>> cumprod(torch.tensor([1, 2, 3])).tolist()
        [1, 2, 6]
    """
    return _scan(torch.cumprod, _t(x), int(axis), exclusive, reverse, 1)


def _scan(torch_fn, x, axis, exclusive, reverse, identity):
    if reverse:
        x = torch.flip(x, (axis,))
    out = torch_fn(x, dim=axis).to(x.dtype)
    if exclusive:
        pad = torch.full_like(out.narrow(axis, 0, 1), identity)
        out = torch.cat([pad, out.narrow(axis, 0, out.shape[axis] - 1)], dim=axis)
    return torch.flip(out, (axis,)) if reverse else out


# -- activations and friends -------------------------------------------------------------------

@op
def softmax(logits, axis=None, name=None):
    """Softmax over ``axis`` (the last by default).

    Example:
        >>> softmax(torch.zeros(2)).tolist()
        [0.5, 0.5]
    """
    return torch.softmax(_t(logits), dim=-1 if axis is None else int(axis))


@op
def log_softmax(logits, axis=None, name=None):
    """Log of the softmax over ``axis`` (the last by default).

    Example:
        >>> log_softmax(torch.zeros(1)).tolist()
        [0.0]
    """
    return torch.log_softmax(_t(logits), dim=-1 if axis is None else int(axis))


@op
def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    """``x / sqrt(max(sum(x ** 2, axis), epsilon))``.

    Example:
        >>> l2_normalize(torch.tensor([3.0, 4.0])).tolist()
        [0.6000000238418579, 0.800000011920929]
    """
    x = _t(x)
    dims = _dims(axis, x)
    squares = torch.sum(x * x, dim=dims, keepdim=True) if dims is not None else torch.sum(x * x)
    return x * torch.rsqrt(torch.clamp(squares, min=epsilon))


def top_k(input, k=1, sorted=True, name=None):
    """The ``k`` largest values of the last axis and their indices (int32): ``values, indices = top_k(x, 2)``.

    Example:
        >>> top_k(torch.tensor([1.0, 3.0, 2.0]), k=2).values.tolist()
        [3.0, 2.0]
    """
    values, indices = ops.top_k(input, k, sorted=sorted)
    return _TopK(values, indices)


class _TopK(tuple):
    """``(values, indices)`` with the fields named, as TensorFlow's ``TopKV2`` result."""

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])


def in_top_k(targets, predictions, k, name=None):
    """True where ``targets[i]`` is among the ``k`` largest ``predictions[i]`` (TF 2 argument order).

    Example:
        >>> in_top_k(torch.tensor([2]), torch.tensor([[0.1, 0.7, 0.2]]), 2).tolist()
        [True]
    """
    return ops.in_top_k(targets, predictions, k)


__getattr__ = missing_names("tf.math")
