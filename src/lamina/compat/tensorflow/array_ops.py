"""TensorFlow's top-level tensor functions: concat, stack, reshape, gather, boolean_mask, where, one_hot, ...

Argument names, orders and defaults are TensorFlow 2's (``tf.concat(values, axis)``,
``tf.transpose(a, perm)``, ``tf.range(start, limit, delta)``); shapes come back as
int32 tensors; ``tf.zeros`` & co. make float32 by default. Every function also
takes symbolic tensors.

Example:
    >>> from lamina.compat.tensorflow import array_ops as tf
    >>> tf.concat([torch.ones(1, 2), torch.zeros(1, 2)], 0).shape
    torch.Size([2, 2])
    >>> tf.boolean_mask(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([True, False, True])).tolist()
    [1.0, 3.0]
"""
import builtins

import numpy as np
import torch
import torch.nn.functional as F

from lamina import ops
from lamina.backend.random import concrete_shape
from lamina.backend.variables import shape as _symbolic_shape
from lamina.compat.tensorflow._subset import missing_names
from lamina.compat.tensorflow.tensors import convert_to_tensor
from lamina.core import config
from lamina.core.dtypes import to_torch_dtype
from lamina.core.symbolic import KerasTensor
from lamina.ops.dispatch import check_choice, op

__all__ = [
    "concat", "stack", "unstack", "reshape", "transpose", "expand_dims", "squeeze", "boolean_mask", "where",
    "cast", "one_hot", "shape", "size", "rank", "zeros", "ones", "zeros_like", "ones_like", "fill", "eye",
    "range", "linspace", "einsum", "matmul", "tensordot", "gather", "gather_nd", "tile", "pad", "split",
    "reverse", "sort", "argsort", "identity", "stop_gradient", "broadcast_to", "norm",
]

_t = convert_to_tensor


def _is_int(value):
    if isinstance(value, torch.Tensor):
        return value.dim() == 0 and not value.is_floating_point() and value.dtype is not torch.bool
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _tensor_list(values, name):
    if isinstance(values, (torch.Tensor, KerasTensor)) or not isinstance(values, (list, tuple)):
        raise TypeError(
            f"tf.{name}: values must be a list of tensors; received {type(values).__name__} {values!r}"
            + (" (TensorFlow 2's argument order is tf.concat(values, axis))" if name == "concat" else "")
        )
    return list(values)


def concat(values, axis, name="concat"):
    """Join tensors along an existing ``axis``: ``tf.concat([a, b], axis)``.

    ``axis`` must be a scalar integer; the TensorFlow < 1.0 order
    ``tf.concat(axis, values)`` is reported as such.

    Example:
        >>> concat([torch.ones(2, 1), torch.zeros(2, 3)], axis=-1).shape
        torch.Size([2, 4])
    """
    if not _is_int(axis):
        hint = ""
        if _is_int(values) and isinstance(axis, (list, tuple)):
            hint = (f" It looks like the TensorFlow < 1.0 order tf.concat({values}, [...]); TensorFlow 2 takes "
                    f"tf.concat(values, axis), e.g. tf.concat([...], {values}).")
        shape = f"a list of {len(axis)} values" if isinstance(axis, (list, tuple)) else f"{type(axis).__name__}"
        raise ValueError(f"tf.concat: axis must be a scalar integer (rank 0); received {shape}.{hint}")
    values = _tensor_list(values, "concat")
    if not values:
        raise ValueError("tf.concat: values must hold at least one tensor")
    shapes = [tuple(v.shape) for v in values if isinstance(v, (torch.Tensor, KerasTensor))]
    if shapes:
        _check_concat_shapes(shapes, int(axis))
    return ops.concatenate(values, axis=int(axis))


def _check_concat_shapes(shapes, axis):
    rank = len(shapes[0])
    if not -rank <= axis < max(rank, 1):
        raise ValueError(f"tf.concat: axis {axis} is out of range for values of rank {rank}")
    position = axis % max(rank, 1)
    mismatch = any(len(s) != rank for s in shapes) or any(
        len({s[d] for s in shapes if s[d] is not None}) > 1 for d in builtins.range(rank) if d != position
    )
    if mismatch:
        raise ValueError(
            f"tf.concat: all values must have the same rank and the same sizes except on axis {axis}; "
            f"received shapes {shapes}"
        )


def stack(values, axis=0, name="stack"):
    """Stack same-shaped tensors along a new ``axis``.

    Example:
        >>> stack([torch.ones(3), torch.zeros(3)], axis=1).shape
        torch.Size([3, 2])
    """
    return ops.stack(_tensor_list(values, "stack"), axis=int(axis))


def unstack(value, num=None, axis=0, name="unstack"):
    """Split ``value`` along ``axis`` into a list of tensors.

    Example:
        >>> [t.tolist() for t in unstack(torch.tensor([[1, 2], [3, 4]]))]
        [[1, 2], [3, 4]]
    """
    return ops.unstack(value, num=num, axis=axis)


@op
def reshape(tensor, shape, name=None):
    """``tensor`` with a new ``shape`` (a list, tuple or 1-D tensor; one size may be -1).

    Example:
        >>> reshape(torch.arange(6), [2, -1]).shape
        torch.Size([2, 3])
    """
    if isinstance(shape, torch.Tensor):
        shape = shape.tolist()
    return torch.reshape(_t(tensor), tuple(int(d) for d in shape))


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permute the axes: ``perm[i]`` is the input axis that becomes axis ``i`` (all reversed by default).

    Example:
        >>> transpose(torch.ones(2, 3, 4), perm=[0, 2, 1]).shape
        torch.Size([2, 4, 3])
    """
    out = ops.transpose(a, None if perm is None else tuple(int(p) for p in perm))
    return torch.conj(out) if conjugate else out


def expand_dims(input, axis, name=None):
    """Insert an axis of size 1 at ``axis``.

    Example:
        >>> expand_dims(torch.ones(2), 0).shape
        torch.Size([1, 2])
    """
    return ops.expand_dims(input, int(axis))


def squeeze(input, axis=None, name=None):
    """Remove axes of size 1 (all of them, or those in ``axis``).

    Example:
        >>> squeeze(torch.ones(1, 2, 1)).shape
        torch.Size([2])
    """
    return ops.squeeze(input, axis=axis)


@op
def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """The entries of ``tensor`` where ``mask`` is true; ``mask`` covers axes ``axis .. axis + mask.ndim``.

    The masked axes are flattened into one axis holding the selected entries.

    Example:
        >>> boolean_mask(torch.ones(2, 3), torch.tensor([[True, False, True], [False, False, True]])).shape
        torch.Size([3])
    """
    tensor, mask = _t(tensor), _t(mask)
    axis = 0 if axis is None else int(axis) % max(tensor.dim(), 1)
    if mask.dim() == 0:
        raise ValueError("tf.boolean_mask: mask cannot be a scalar")
    span = tuple(tensor.shape[axis:axis + mask.dim()])
    if span != tuple(mask.shape):
        raise ValueError(
            f"tf.boolean_mask: mask of shape {tuple(mask.shape)} does not match axes {axis}..{axis + mask.dim() - 1} "
            f"of tensor of shape {tuple(tensor.shape)}"
        )
    if mask.dtype is not torch.bool:
        mask = mask != 0
    flat = tensor.reshape(tuple(tensor.shape[:axis]) + (-1,) + tuple(tensor.shape[axis + mask.dim():]))
    return flat.index_select(axis, torch.nonzero(mask.reshape(-1)).reshape(-1))


@op
def where(condition, x=None, y=None, name=None):
    """With ``x`` and ``y``: ``x`` where ``condition`` holds, else ``y`` (broadcasting). Alone: the
    coordinates of the true entries, an int64 tensor of shape ``(count, rank)``.

    Example:
        >>> where(torch.tensor([[False, True], [True, False]])).tolist()
        [[0, 1], [1, 0]]
    """
    condition = _t(condition)
    if condition.dtype is not torch.bool:
        condition = condition != 0
    if x is None and y is None:
        return torch.nonzero(condition)
    if x is None or y is None:
        raise ValueError("tf.where: pass both x and y, or neither")
    x, y = (_t(x) if not isinstance(x, (int, float)) else x), (_t(y) if not isinstance(y, (int, float)) else y)
    return torch.where(condition, x, y)


@op
def cast(x, dtype, name=None):
    """``x`` converted to ``dtype`` (floats to integers truncate towards zero).

    Example:
        >>> cast(torch.tensor([1.9, -1.9]), "int32").tolist()
        [1, -1]
    """
    return _t(x).to(to_torch_dtype(dtype))


@op
def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encoding of ``indices`` on a new axis of size ``depth`` (float32 unless told otherwise).

    Indices outside ``[0, depth)`` give a row of ``off_value``.

    Example:
        >>> one_hot(torch.tensor([0, 2, 5]), 3).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    """
    indices = _t(indices).long()
    if dtype is None:
        given = on_value if on_value is not None else off_value
        dtype = _t(given).dtype if given is not None else torch.float32
    dtype = to_torch_dtype(dtype)
    valid = (indices >= 0) & (indices < depth)
    hot = F.one_hot(torch.where(valid, indices, torch.zeros_like(indices)), int(depth)).bool()
    hot = hot & valid.unsqueeze(-1)
    on = torch.as_tensor(1 if on_value is None else on_value, dtype=dtype, device=indices.device)
    off = torch.as_tensor(0 if off_value is None else off_value, dtype=dtype, device=indices.device)
    out = torch.where(hot, on, off)
    if axis is not None and int(axis) != -1:
        out = torch.movedim(out, -1, int(axis))
    return out


def shape(input, out_type=torch.int32, name=None):
    """The shape of ``input`` as a 1-D int32 tensor (symbolic for symbolic tensors).

    Example:
        >>> shape(torch.ones(2, 3)).tolist()
        [2, 3]
    """
    result = _symbolic_shape(input if isinstance(input, (torch.Tensor, KerasTensor)) else _t(input))
    return result if to_torch_dtype(out_type) is torch.int32 else cast(result, out_type)


@op
def size(input, out_type=torch.int32, name=None):
    """The number of elements, as a 0-d int32 tensor.

    Example:
        >>> size(torch.ones(2, 3)).item()
        6
    """
    x = _t(input)
    return torch.tensor(x.numel(), dtype=to_torch_dtype(out_type), device=x.device)


@op
def rank(input, name=None):
    """The number of axes, as a 0-d int32 tensor.

    Example:
        >>> rank(torch.ones(2, 3)).item()
        2
    """
    x = _t(input)
    return torch.tensor(x.dim(), dtype=torch.int32, device=x.device)


@op
def zeros(shape, dtype=torch.float32, name=None):
    """A tensor of zeros (float32 by default).

    Example:
        >>> zeros([2]).tolist()
        [0.0, 0.0]
    """
    return torch.zeros(concrete_shape(shape, "tf.zeros"), dtype=to_torch_dtype(dtype), device=config.device())


@op
def ones(shape, dtype=torch.float32, name=None):
    """A tensor of ones (float32 by default).

    Example:
        >>> ones([2]).tolist()
        [1.0, 1.0]
    """
    return torch.ones(concrete_shape(shape, "tf.ones"), dtype=to_torch_dtype(dtype), device=config.device())


@op
def zeros_like(input, dtype=None, name=None):
    """Zeros with the shape (and dtype, unless given) of ``input``.

    Example:
        >>> zeros_like(torch.ones(2, dtype=torch.int32)).tolist()
        [0, 0]
    """
    x = _t(input)
    return torch.zeros_like(x, dtype=to_torch_dtype(dtype) if dtype is not None else x.dtype)


@op
def ones_like(input, dtype=None, name=None):
    """Ones with the shape (and dtype, unless given) of ``input``.

    Example:
        >>> ones_like(torch.zeros(2)).tolist()
        [1.0, 1.0]
    """
    x = _t(input)
    return torch.ones_like(x, dtype=to_torch_dtype(dtype) if dtype is not None else x.dtype)


@op
def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with ``value`` (whose dtype it takes).

    Example:
        >>> fill([2], 7).tolist()
        [7, 7]
    """
    value = _t(value)
    return torch.full(concrete_shape(dims, "tf.fill"), value.item(), dtype=value.dtype, device=value.device)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=torch.float32, name=None):
    """The identity matrix (``num_rows x num_columns``), optionally repeated over ``batch_shape``.

    Example:
        >>> eye(2).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    matrix = torch.eye(int(num_rows), int(num_columns or num_rows), dtype=to_torch_dtype(dtype),
                       device=config.device())
    if batch_shape is not None:
        matrix = matrix.expand(tuple(batch_shape) + tuple(matrix.shape)).clone()
    return matrix


def range(start, limit=None, delta=1, dtype=None, name="range"):
    """``[start, start + delta, ...)`` up to ``limit`` (``range(n)`` counts from 0); int32 for integer
    arguments, float32 if any is a float.

    Example:
        >>> range(3).tolist(), range(0.0, 1.0, 0.5).tolist()
        ([0, 1, 2], [0.0, 0.5])
    """
    if limit is None:
        start, limit = 0, start
    values = [v.item() if isinstance(v, torch.Tensor) else v for v in (start, limit, delta)]
    if dtype is None:
        dtype = torch.float32 if any(isinstance(v, float) for v in values) else torch.int32
    return torch.arange(*values, dtype=to_torch_dtype(dtype), device=config.device())


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (both included).

    Example:
        >>> linspace(0.0, 1.0, 3).tolist()
        [0.0, 0.5, 1.0]
    """
    return ops.linspace(start, stop, int(num), axis=axis)


def einsum(equation, *inputs, **kwargs):
    """Einstein summation, e.g. ``einsum('ij,jk->ik', a, b)``.

    Example:
        >>> einsum("i,i->", torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])).item()
        11.0
    """
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"tf.einsum: unsupported arguments {sorted(kwargs)}")
    return ops.einsum(equation, *inputs)


@op
def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, a_is_sparse=False,
           b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the last two axes (batched over the leading ones).

    Example:
        >>> matmul(torch.ones(2, 3), torch.ones(2, 3), transpose_b=True).tolist()
        [[3.0, 3.0], [3.0, 3.0]]
    """
    a, b = _t(a), _t(b)
    if transpose_a or adjoint_a:
        a = a.transpose(-1, -2).conj() if adjoint_a else a.transpose(-1, -2)
    if transpose_b or adjoint_b:
        b = b.transpose(-1, -2).conj() if adjoint_b else b.transpose(-1, -2)
    if a.dtype != b.dtype:
        raise TypeError(f"tf.matmul: a and b must have the same dtype; received {a.dtype} and {b.dtype}")
    out = torch.matmul(a, b)
    return out if output_type is None else out.to(to_torch_dtype(output_type))


def tensordot(a, b, axes, name=None):
    """Sum of products over ``axes`` (an int: the last ``axes`` of ``a`` with the first of ``b``; or two lists).

    Example:
        >>> tensordot(torch.ones(2, 3), torch.ones(3, 4), 1).shape
        torch.Size([2, 4])
    """
    return ops.tensordot(a, b, axes=axes)


@op
def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of ``params`` along ``axis`` (0 by default) at ``indices`` (any shape).

    Example:
        >>> gather(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 1, 0])).tolist()
        [[3, 4], [3, 4], [1, 2]]
    """
    if batch_dims:
        raise ValueError(f"tf.gather: batch_dims={batch_dims} is not supported by lamina's TensorFlow subset")
    params, indices = _t(params), _t(indices).long()
    axis = 0 if axis is None else int(axis) % params.dim()
    picked = params.index_select(axis, indices.reshape(-1))
    return picked.reshape(tuple(params.shape[:axis]) + tuple(indices.shape) + tuple(params.shape[axis + 1:]))


@op
def gather_nd(params, indices, batch_dims=0, name=None):
    """Entries (or slices) of ``params`` at the index vectors on the last axis of ``indices``.

    Example:
        >>> gather_nd(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[0, 1], [1, 0]])).tolist()
        [2, 3]
    """
    if batch_dims:
        raise ValueError(f"tf.gather_nd: batch_dims={batch_dims} is not supported by lamina's TensorFlow subset")
    params, indices = _t(params), _t(indices).long()
    return params[tuple(indices[..., i] for i in builtins.range(indices.shape[-1]))]


def tile(input, multiples, name=None):
    """Repeat ``input`` ``multiples[i]`` times along axis ``i``.

    Example:
        >>> tile(torch.tensor([[1, 2]]), [2, 1]).tolist()
        [[1, 2], [1, 2]]
    """
    return ops.tile(input, concrete_shape(multiples, "tf.tile"))


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pad each axis by ``paddings[i] = [before, after]`` (modes ``'CONSTANT'``, ``'REFLECT'``, ``'SYMMETRIC'``).

    Example:
        >>> pad(torch.tensor([[1, 2]]), [[0, 0], [1, 1]]).tolist()
        [[0, 1, 2, 0]]
    """
    mode = check_choice(mode, ("constant", "reflect", "symmetric"), "mode", "tf.pad")
    if isinstance(paddings, torch.Tensor):
        paddings = paddings.tolist()
    pairs = [tuple(int(v) for v in pair) for pair in paddings]
    return ops.pad(tensor, pairs, mode=mode, constant_values=constant_values if mode == "constant" else None)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split along ``axis`` into ``num_or_size_splits`` equal parts, or parts of the given sizes.

    Example:
        >>> [t.tolist() for t in split(torch.tensor([1, 2, 3, 4]), [1, 3])]
        [[1], [2, 3, 4]]
    """
    value = _t(value) if not isinstance(value, KerasTensor) else value
    if isinstance(num_or_size_splits, int):
        return ops.split(value, num_or_size_splits, axis=axis)
    sizes = [int(s) for s in num_or_size_splits]
    boundaries = np.cumsum(sizes)[:-1].tolist()
    return ops.split(value, boundaries, axis=axis)


def reverse(tensor, axis, name=None):
    """Reverse ``tensor`` along the axes in ``axis`` (a list).

    Example:
        >>> reverse(torch.tensor([1, 2, 3]), [0]).tolist()
        [3, 2, 1]
    """
    return ops.flip(tensor, axis=tuple(axis) if isinstance(axis, (list, tuple)) else axis)


@op
def sort(values, axis=-1, direction="ASCENDING", name=None):
    """``values`` sorted along ``axis`` (``direction='DESCENDING'`` for largest first).

    Example:
        >>> sort(torch.tensor([3, 1, 2]), direction="DESCENDING").tolist()
        [3, 2, 1]
    """
    direction = check_choice(direction, ("ascending", "descending"), "direction", "tf.sort")
    return torch.sort(_t(values), dim=int(axis), descending=direction == "descending", stable=True).values


@op
def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Indices that sort ``values`` along ``axis`` (int32).

    Example:
        >>> argsort(torch.tensor([3, 1, 2])).tolist()
        [1, 2, 0]
    """
    direction = check_choice(direction, ("ascending", "descending"), "direction", "tf.argsort")
    order = torch.sort(_t(values), dim=int(axis), descending=direction == "descending", stable=True).indices
    return order.to(torch.int32)


@op
def identity(input, name=None):
    """A tensor with the same value (gradients flow through).

    Example:
        >>> identity(torch.ones(1)).tolist()
        [1.0]
    """
    x = _t(input)
    return x.clone() if isinstance(x, torch.nn.Parameter) else x


def stop_gradient(input, name=None):
    """The value of ``input`` with no gradient flowing back.

    Example:
        >>> stop_gradient(torch.ones(1, requires_grad=True)).requires_grad
        False
    """
    return ops.stop_gradient(input)


def broadcast_to(input, shape, name=None):
    """``input`` broadcast to ``shape``.

    Example:
        >>> broadcast_to(torch.tensor([1, 2]), [2, 2]).tolist()
        [[1, 2], [1, 2]]
    """
    return ops.broadcast_to(input, concrete_shape(shape, "tf.broadcast_to"))


@op
def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """Vector or matrix norm: ``'euclidean'`` (the default; over all entries when ``axis`` is None), ``'fro'``,
    1, 2, ``np.inf`` or any p > 0 for vectors; with a pair of axes, the matrix norm.

    Example:
        >>> norm(torch.tensor([3.0, 4.0])).item()
        5.0
    """
    x = _t(tensor)
    keepdims = bool(keepdims)
    if axis is None:
        dims = tuple(builtins.range(x.dim()))
    elif isinstance(axis, (list, tuple)):
        dims = tuple(int(a) for a in axis)
    else:
        dims = (int(axis),)
    if ord in ("euclidean", "fro") or (ord == 2 and len(dims) == 1):
        return torch.sqrt(torch.sum(x * x, dim=dims, keepdim=keepdims))
    if len(dims) == 2 and axis is not None:
        return torch.linalg.matrix_norm(x, ord=ord, dim=dims, keepdim=keepdims)
    if len(dims) != 1 and axis is not None:
        raise ValueError(f"tf.norm: axis must be an int or a pair of ints; received axis={axis!r}")
    flat = x.reshape(-1) if axis is None else x
    return torch.linalg.vector_norm(flat, ord=float(ord), dim=None if axis is None else dims, keepdim=keepdims)


__getattr__ = missing_names("tf")
