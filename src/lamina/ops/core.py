"""Tensor plumbing and control flow: cast, shape, convert_to_tensor, stop_gradient, cond, while_loop, ...

Control flow runs eagerly in Python (torch executes eagerly): ``cond`` picks a
branch by the predicate's value, ``while_loop`` and ``fori_loop`` are Python
loops, and all of them are differentiable through torch autograd.

Example:
    >>> cast([1.7, -1.7], "int32").tolist()
    [1, -1]
    >>> fori_loop(0, 4, lambda i, acc: acc + i, 0)
    6
"""
import numpy as np
import torch

from lamina.core import tree
from lamina.core.dtypes import dtype_name
from lamina.core.symbolic import KerasTensor
from lamina.core.tensors import convert_to_numpy as _to_numpy
from lamina.ops.dispatch import op, to_tensor

__all__ = [
    "cast", "convert_to_tensor", "convert_to_numpy", "is_tensor", "shape", "size", "ndim", "dtype",
    "stop_gradient", "copy", "array", "cond", "switch", "while_loop", "fori_loop", "map", "scan",
    "vectorized_map",
]


@op
def cast(x, dtype):
    """``x`` converted to ``dtype`` (returned as is if it already has it).

    Example:
        >>> cast(torch.tensor([1.5]), "float16").dtype
        torch.float16
    """
    return to_tensor(x, dtype)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A torch tensor holding ``x`` (Keras's rules: Python int -> int32, Python float -> floatx).

    NumPy arrays keep their dtype, except float64, which becomes ``floatx()``
    unless ``dtype`` asks for it (lamina's convention for user data).
    Symbolic tensors are returned unchanged.

    Example:
        >>> convert_to_tensor([1, 2]).dtype, convert_to_tensor(np.ones(2)).dtype
        (torch.int32, torch.float32)
    """
    if sparse or ragged:
        raise ValueError(f"convert_to_tensor: sparse={sparse}, ragged={ragged} are not supported by lamina")
    if isinstance(x, KerasTensor):
        return x if dtype is None else cast(x, dtype)
    return to_tensor(x, dtype)


def convert_to_numpy(x):
    """A NumPy array holding ``x`` (detached, on the CPU).

    Example:
        >>> convert_to_numpy(torch.ones(2, requires_grad=True)).tolist()
        [1.0, 1.0]
    """
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], torch.Tensor):
        return np.stack([_to_numpy(v) for v in x])
    return _to_numpy(x)


def is_tensor(x):
    """True for torch tensors (lamina's eager tensors).

    Example:
        >>> is_tensor(torch.ones(1)), is_tensor([1.0])
        (True, False)
    """
    return isinstance(x, torch.Tensor)


def shape(x):
    """The shape as a tuple of ints (``None`` for unknown dimensions of a symbolic tensor).

    Example:
        >>> shape(torch.zeros(2, 3))
        (2, 3)
    """
    if isinstance(x, KerasTensor):
        return x.shape
    if isinstance(x, torch.Tensor):
        return tuple(x.shape)
    return tuple(np.shape(x))


def ndim(x):
    """The number of axes.

    Example:
        >>> ndim(torch.zeros(2, 3))
        2
    """
    return len(shape(x))


def size(x):
    """The number of elements (a Python int; ``None`` for a symbolic tensor with unknown dims).

    Example:
        >>> size(torch.zeros(2, 3))
        6
    """
    dims = shape(x)
    if any(d is None for d in dims):
        return None
    count = 1
    for d in dims:
        count *= d
    return count


def dtype(x):
    """The dtype name (``'float32'``) of a tensor, symbolic tensor or array.

    Example:
        >>> dtype(torch.zeros(1, dtype=torch.int8))
        'int8'
    """
    if isinstance(x, KerasTensor):
        return x.dtype
    return dtype_name(getattr(x, "dtype", None) or to_tensor(x).dtype)


@op
def stop_gradient(variable):
    """``variable``'s value with no gradient flowing back through it.

    Example:
        >>> stop_gradient(torch.ones(1, requires_grad=True)).requires_grad
        False
    """
    return to_tensor(variable).detach()


@op
def copy(x):
    """A copy of ``x`` that does not share memory with it.

    Example:
        >>> copy([1, 2]).tolist()
        [1, 2]
    """
    return torch.clone(to_tensor(x))


def array(x, dtype=None):
    """The same as :func:`convert_to_tensor`.

    Example:
        >>> array([1.0]).dtype
        torch.float32
    """
    return convert_to_tensor(x, dtype)


def _truth(pred, name):
    if isinstance(pred, KerasTensor):
        raise TypeError(
            f"{name}: the predicate {pred!r} is symbolic; control flow needs a value. Call {name} inside a "
            "layer's call() (where tensors are concrete), or use lamina.ops.where to select element-wise."
        )
    return bool(pred)


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` holds, else ``false_fn()``.

    Example:
        >>> cond(torch.tensor(2) > 1, lambda: "yes", lambda: "no")
        'yes'
    """
    return true_fn() if _truth(pred, "cond") else false_fn()


def switch(index, branches, *operands):
    """Call ``branches[index](*operands)`` (``index`` clamped to the valid range).

    Example:
        >>> switch(1, [lambda x: x + 1, lambda x: x * 10], 2)
        20
    """
    index = int(index)
    return branches[0 if index < 0 else min(index, len(branches) - 1)](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` holds.

    ``loop_vars`` is a tuple/list (passed unpacked) or a single value, converted to
    tensors; the result has the same form.

    Example:
        >>> [v.item() for v in while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i), (0, 0))]
        [4, 6]
    """
    packed = isinstance(loop_vars, (list, tuple))
    values = tree.map_structure(to_tensor, tuple(loop_vars) if packed else (loop_vars,))
    iterations = 0
    while (maximum_iterations is None or iterations < maximum_iterations) and _truth(cond(*values), "while_loop"):
        values = body(*values)
        values = tuple(values) if isinstance(values, (list, tuple)) else (values,)
        iterations += 1
    return values if packed else values[0]


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``; returns the final ``val``.

    Example:
        >>> fori_loop(1, 4, lambda i, v: v * i, 1)
        6
    """
    value = init_val
    for i in range(int(lower), int(upper)):
        value = body_fun(i, value)
    return value


def map(f, xs):
    """``f`` applied to each slice of ``xs`` along its first axis, results stacked.

    Example:
        >>> map(lambda v: v * 2, torch.tensor([1, 2])).tolist()
        [2, 4]
    """
    count = len(tree.flatten(xs)[0])
    if not count:
        raise ValueError("map: xs is empty along its first axis; there is nothing to map over")
    return _stack_results([f(tree.map_structure(lambda t: t[i], xs)) for i in range(count)])


def _stack_results(results):
    flat = [tree.flatten(r) for r in results]
    stacked = [torch.stack([to_tensor(v) for v in column]) for column in zip(*flat)]
    return tree.pack_sequence_as(results[0], stacked)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop ``carry, y = f(carry, x)`` over ``xs`` (first axis); returns ``(carry, stacked ys)``.

    Example:
        >>> carry, ys = scan(lambda c, x: (c + x, c * x), 0, torch.tensor([1, 2, 3]))
        >>> carry.item(), ys.tolist()
        (6, [0, 2, 9])
    """
    if xs is None and length is None:
        raise ValueError("scan: give xs, or length when there is nothing to scan over")
    steps = length if xs is None else len(tree.flatten(xs)[0])
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    carry, ys = init, [None] * steps
    for i in order:
        x = None if xs is None else tree.map_structure(lambda t: t[i], xs)
        carry, ys[i] = f(carry, x)
    if not steps or ys[0] is None:
        return carry, None
    return carry, _stack_results(ys)


def vectorized_map(function, elements):
    """``function`` applied to each slice of ``elements`` along the first axis (``torch.vmap``).

    Example:
        >>> vectorized_map(lambda v: v.sum(), torch.ones(3, 2)).tolist()
        [2.0, 2.0, 2.0]
    """
    return torch.vmap(function)(elements)

