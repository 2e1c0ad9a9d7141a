"""Helpers shared by the normalisation layers: axis checks and the gamma/beta weights.

Example:
    >>> normalize_axes([-1, 1], 4, "LayerNormalization 'ln'")
    [1, 3]
"""
import operator


def normalize_axes(axis, ndim, owner):
    """``axis`` (an int or a list of ints, negative allowed) as sorted non-negative axes of a rank-``ndim`` input.

    Example:
        >>> normalize_axes(-1, 3, "LayerNormalization")
        [2]
    """
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    try:
        axes = [operator.index(a) for a in axes]
    except TypeError:
        raise TypeError(f"{owner}: axis must be an int or a list of ints; received axis={axis!r}") from None
    for a in axes:
        if not -ndim <= a < ndim or a % ndim == 0:
            raise ValueError(
                f"{owner}: axis {a} is not a feature axis of inputs of rank {ndim} (valid: 1..{ndim - 1} or "
                f"-{ndim - 1}..-1); received axis={axis!r}"
            )
    return sorted({a % ndim for a in axes})


def check_axis_type(axis, owner):
    """Keep ``axis`` as given (int or list, as Keras's config does) after checking its type.

    Example:
        >>> check_axis_type((1, 2), "LayerNormalization")
        [1, 2]
    """
    if isinstance(axis, (list, tuple)):
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            raise TypeError(f"{owner}: axis must be an int or a list of ints; received axis={axis!r}")
        return list(axis)
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"{owner}: axis must be an int or a list of ints; received axis={axis!r}")
    return axis
