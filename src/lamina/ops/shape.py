"""Ops that rearrange elements: reshape, transpose, concatenate, split, tile, pad, ...

Example:
    >>> reshape(torch.arange(6), (2, -1)).shape
    torch.Size([2, 3])
    >>> [t.tolist() for t in split([1, 2, 3, 4], 2)]
    [[1, 2], [3, 4]]
"""
import torch
import torch.nn.functional as F

from lamina.ops.dispatch import axis_tuple, canonical_axis, check_choice, op, to_tensor

__all__ = [
    "reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack", "unstack", "split", "tile",
    "repeat", "flip", "roll", "pad", "broadcast_to", "meshgrid", "moveaxis", "swapaxes", "ravel", "hstack",
    "vstack",
]

_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _tensors(xs, name):
    if not isinstance(xs, (list, tuple)):
        raise TypeError(f"{name}: expected a list or tuple of tensors; received {type(xs).__name__}")
    return [to_tensor(x) for x in xs]


@op
def reshape(x, newshape):
    """``x`` with a new shape (one dimension may be -1, inferred).

    Example:
        >>> reshape([1, 2, 3, 4], (2, 2)).tolist()
        [[1, 2], [3, 4]]
    """
    x = to_tensor(x)
    if not isinstance(newshape, (list, tuple, torch.Size)):
        newshape = (newshape,)
    try:
        return torch.reshape(x, tuple(-1 if d is None else d for d in newshape))
    except RuntimeError as error:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} ({x.numel()} elements) "
            f"into newshape={tuple(newshape)}"
        ) from error


@op
def transpose(x, axes=None):
    """Permute the axes (reverse them if ``axes`` is ``None``).

    Example:
        >>> transpose(torch.zeros(2, 3, 4), (0, 2, 1)).shape
        torch.Size([2, 4, 3])
    """
    x = to_tensor(x)
    if axes is None:
        return x.permute(*reversed(range(x.dim())))
    axes = tuple(axes)
    if len(axes) != x.dim():
        raise ValueError(f"transpose: axes={axes} must list each of the {x.dim()} axes of shape {tuple(x.shape)} once")
    return x.permute(axes)


@op
def expand_dims(x, axis):
    """Insert size-1 axes at the positions ``axis`` (int or tuple) of the result.

    Example:
        >>> expand_dims(torch.zeros(2, 3), -1).shape
        torch.Size([2, 3, 1])
    """
    x = to_tensor(x)
    axes = axis_tuple(axis)
    out_ndim = x.dim() + len(axes)
    for a in sorted(canonical_axis(a, out_ndim, op_name="expand_dims") for a in axes):
        x = x.unsqueeze(a)
    return x


@op
def squeeze(x, axis=None):
    """Remove size-1 axes (all of them, or those in ``axis``, which must have size 1).

    Example:
        >>> squeeze(torch.zeros(1, 3, 1), axis=0).shape
        torch.Size([3, 1])
    """
    x = to_tensor(x)
    if axis is None:
        return torch.squeeze(x)
    axes = tuple(canonical_axis(a, x.dim(), op_name="squeeze") for a in axis_tuple(axis))
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: cannot squeeze axis {a} of shape {tuple(x.shape)}: its size is not 1")
    return torch.squeeze(x, dim=axes)


@op
def concatenate(xs, axis=0):
    """Join tensors along an existing axis (``axis=None`` flattens them first).

    Example:
        >>> concatenate([[1, 2], [3]]).tolist()
        [1, 2, 3]
    """
    xs = _tensors(xs, "concatenate")
    if axis is None:
        xs, axis = [x.reshape(-1) for x in xs], 0
    return torch.cat(xs, dim=axis)


@op
def hstack(xs):
    """Join tensors column-wise (along axis 1, or axis 0 for 1-D).

    Example:
        >>> hstack([[1], [2]]).tolist()
        [1, 2]
    """
    return torch.hstack(_tensors(xs, "hstack"))


@op
def vstack(xs):
    """Join tensors row-wise (1-D tensors become rows).

    Example:
        >>> vstack([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
    """
    return torch.vstack(_tensors(xs, "vstack"))


@op
def stack(x, axis=0):
    """Join same-shaped tensors along a new axis.

    Example:
        >>> stack([[1, 2], [3, 4]], axis=1).tolist()
        [[1, 3], [2, 4]]
    """
    return torch.stack(_tensors(x, "stack"), dim=axis)


@op
def unstack(x, num=None, axis=0):
    """Split ``x`` along ``axis`` into a list of tensors with that axis removed.

    Example:
        >>> [t.tolist() for t in unstack([[1, 2], [3, 4]])]
        [[1, 2], [3, 4]]
    """
    x = to_tensor(x)
    if num is not None and x.shape[axis] != num:
        raise ValueError(f"unstack: num={num} but axis {axis} of shape {tuple(x.shape)} has size {x.shape[axis]}")
    return list(x.unbind(axis))


@op
def split(x, indices_or_sections, axis=0):
    """Split into equal sections (an int) or at the given indices (a list), as NumPy.

    Example:
        >>> [t.tolist() for t in split([1, 2, 3, 4, 5], [2, 3])]
        [[1, 2], [3], [4, 5]]
    """
    x = to_tensor(x)
    axis = canonical_axis(axis, x.dim(), op_name="split")
    size = x.shape[axis]
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0 or size % sections:
            raise ValueError(
                f"split: axis {axis} of shape {tuple(x.shape)} (size {size}) cannot be split into "
                f"indices_or_sections={sections} equal sections"
            )
        return list(torch.tensor_split(x, sections, dim=axis))
    indices = [int(i) for i in (indices_or_sections.tolist() if isinstance(indices_or_sections, torch.Tensor)
                                else indices_or_sections)]
    return list(torch.tensor_split(x, indices, dim=axis))


@op
def tile(x, repeats):
    """Repeat the whole tensor ``repeats`` times along each axis.

    Example:
        >>> tile([1, 2], 2).tolist()
        [1, 2, 1, 2]
    """
    x = to_tensor(x)
    if isinstance(repeats, torch.Tensor):
        repeats = repeats.tolist()
    if isinstance(repeats, int):
        repeats = (repeats,)
    return torch.tile(x, tuple(repeats))


@op
def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis`` (flattened if ``None``).

    Example:
        >>> repeat([1, 2], 2).tolist()
        [1, 1, 2, 2]
    """
    x = to_tensor(x)
    if isinstance(repeats, int) and axis is not None:
        axis = canonical_axis(axis, x.dim(), op_name="repeat")
        shape = list(x.shape)
        expanded = x.unsqueeze(axis + 1).expand(*shape[: axis + 1], repeats, *shape[axis + 1:])
        shape[axis] *= repeats
        return expanded.reshape(shape)
    if not isinstance(repeats, int):
        repeats = to_tensor(repeats).to(device=x.device, dtype=torch.int64)
    return torch.repeat_interleave(x, repeats, dim=axis)


@op
def flip(x, axis=None):
    """Reverse the order of elements along ``axis`` (all axes if ``None``).

    Example:
        >>> flip([1, 2, 3]).tolist()
        [3, 2, 1]
    """
    x = to_tensor(x)
    dims = tuple(range(x.dim())) if axis is None else axis_tuple(axis)
    return torch.flip(x, dims=dims)


@op
def roll(x, shift, axis=None):
    """Shift elements cyclically by ``shift`` along ``axis`` (flattened if ``None``).

    Example:
        >>> roll([1, 2, 3], 1).tolist()
        [3, 1, 2]
    """
    x = to_tensor(x)
    return torch.roll(x, shifts=shift, dims=axis)


def _pad_pairs(pad_width, ndim):
    """NumPy's pad_width (``n``, ``(n,)``, ``(before, after)``, or one pair per axis) as ``ndim`` pairs."""
    given = pad_width.tolist() if isinstance(pad_width, torch.Tensor) else pad_width
    if isinstance(given, int):
        return [(given, given)] * ndim
    given = list(given)
    if all(isinstance(p, int) for p in given):  # (n,) or (before, after): the same for every axis
        if len(given) in (1, 2):
            return [(given[0], given[-1])] * ndim
    elif all(isinstance(p, (list, tuple)) and len(p) in (1, 2) for p in given):
        pairs = [(p[0], p[-1]) for p in given]
        if len(pairs) == 1:
            return pairs * ndim
        if len(pairs) == ndim:
            return pairs
    raise ValueError(
        f"pad: pad_width={pad_width!r} must be an int, a (before, after) pair, or one pair per axis ({ndim} axes)"
    )


@op
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad ``x`` by ``pad_width`` ((before, after) per axis) as NumPy's ``pad``.

    Modes: ``'constant'`` (with ``constant_values``), ``'edge'``, ``'reflect'``,
    ``'symmetric'``, ``'wrap'``.

    Example:
        >>> pad([1, 2], (1, 2)).tolist()
        [0, 1, 2, 0, 0]
        >>> pad([1, 2, 3], (2, 2), mode="symmetric").tolist()
        [2, 1, 1, 2, 3, 3, 2]
    """
    x = to_tensor(x)
    mode = check_choice(mode, _PAD_MODES, "mode", "pad")
    if constant_values is not None and mode != "constant":
        raise ValueError(f"pad: constant_values is only used with mode='constant'; received mode={mode!r}")
    pairs = _pad_pairs(pad_width, x.dim())
    if any(a < 0 or b < 0 for a, b in pairs):
        raise ValueError(f"pad: pad_width must be non-negative; received {pairs}")
    if mode == "constant":
        flat = [p for pair in reversed(pairs) for p in pair]
        return F.pad(x, flat, value=0 if constant_values is None else constant_values)
    for axis, (before, after) in enumerate(pairs):
        if before or after:
            x = _pad_axis(x, axis, before, after, mode)
    return x


def _pad_axis(x, axis, before, after, mode):
    """Non-constant padding of one axis by index arithmetic (works for any rank and dtype)."""
    size = x.shape[axis]
    index = torch.arange(-before, size + after, device=x.device)
    if mode == "edge":
        index = index.clamp(0, size - 1)
    elif mode == "wrap":
        index = index % size
    elif mode == "reflect":
        if size == 1:
            index = torch.zeros_like(index)
        else:
            period = 2 * (size - 1)
            index = index % period
            index = torch.where(index >= size, period - index, index)
    else:  # symmetric: the edge element is repeated
        period = 2 * size
        index = index % period
        index = torch.where(index >= size, period - 1 - index, index)
    return torch.index_select(x, axis, index)


@op
def broadcast_to(x, shape):
    """``x`` broadcast to ``shape`` (a view, no copy).

    Example:
        >>> broadcast_to([1, 2], (2, 2)).tolist()
        [[1, 2], [1, 2]]
    """
    x = to_tensor(x)
    try:
        return torch.broadcast_to(x, tuple(shape))
    except RuntimeError as error:
        raise ValueError(f"broadcast_to: cannot broadcast shape {tuple(x.shape)} to shape={tuple(shape)}") from error


@op
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate vectors (``'xy'`` Cartesian or ``'ij'`` matrix indexing).

    Example:
        >>> [g.tolist() for g in meshgrid([1, 2], [3, 4, 5])][0]
        [[1, 2], [1, 2], [1, 2]]
    """
    indexing = check_choice(indexing, ("xy", "ij"), "indexing", "meshgrid")
    return list(torch.meshgrid(*[to_tensor(v) for v in x], indexing=indexing))


@op
def moveaxis(x, source, destination):
    """Move axes from ``source`` to ``destination`` positions.

    Example:
        >>> moveaxis(torch.zeros(2, 3, 4), 0, -1).shape
        torch.Size([3, 4, 2])
    """
    return torch.moveaxis(to_tensor(x), source, destination)


@op
def swapaxes(x, axis1, axis2):
    """Exchange two axes.

    Example:
        >>> swapaxes(torch.zeros(2, 3), 0, 1).shape
        torch.Size([3, 2])
    """
    return torch.swapaxes(to_tensor(x), axis1, axis2)


@op
def ravel(x):
    """``x`` flattened to 1-D.

    Example:
        >>> ravel([[1, 2], [3, 4]]).tolist()
        [1, 2, 3, 4]
    """
    return torch.ravel(to_tensor(x))
