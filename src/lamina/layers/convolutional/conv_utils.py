"""Argument checks and layout/padding arithmetic shared by the convolution and pooling layers.

Layers keep Keras's layout outside (``channels_last``: ``(batch, *spatial, channels)``)
and call torch's kernels on a *permuted view* (``(batch, channels, *spatial)`` in
channels-last memory), so no data is copied. ``'same'`` padding follows
TensorFlow/Keras: ``ceil(size / stride)`` outputs, the odd pixel of padding at the end.

Example:
    >>> same_padding(8, 3, 2, 1)
    (0, 1)
    >>> to_channels_first_order(4), to_channels_last_order(4)
    ((0, 3, 1, 2), (0, 2, 3, 1))
"""
import operator

from lamina.core import config

SPATIAL_LAYOUTS = {
    ("channels_last", 1): "(batch, steps, channels)",
    ("channels_first", 1): "(batch, channels, steps)",
    ("channels_last", 2): "(batch, height, width, channels)",
    ("channels_first", 2): "(batch, channels, height, width)",
    ("channels_last", 3): "(batch, depth, height, width, channels)",
    ("channels_first", 3): "(batch, channels, depth, height, width)",
}


def normalize_tuple(value, n, name, owner, allow_zero=False):
    """``value`` (an int or ``n`` ints) as an ``n``-tuple of ints; errors name ``owner`` and ``name``.

    Example:
        >>> normalize_tuple(3, 2, "kernel_size", "Conv2D")
        (3, 3)
    """
    kind = "non-negative" if allow_zero else "positive"
    message = f"{owner}: {name} must be a {kind} integer or a tuple of {n} {kind} integers; received {name}={value!r}"
    if isinstance(value, bool):
        raise TypeError(message)
    try:
        values = (operator.index(value),) * n
    except TypeError:
        try:
            values = tuple(operator.index(v) for v in value)
        except TypeError:
            raise TypeError(message) from None
    if len(values) != n or any(isinstance(v, bool) or v < (0 if allow_zero else 1) for v in values):
        raise ValueError(message)
    return values


def normalize_choice(value, choices, name, owner):
    """Lower-cased ``value`` if it is one of ``choices``, else a ValueError listing them.

    Example:
        >>> normalize_choice("SAME", ("valid", "same"), "padding", "Conv2D")
        'same'
    """
    if not isinstance(value, str) or value.lower() not in choices:
        raise ValueError(f"{owner}: {name} must be one of {list(choices)}; received {name}={value!r}")
    return value.lower()


def normalize_data_format(value, owner):
    """``'channels_last'``/``'channels_first'`` (``None`` = the global default), naming ``owner`` on error.

    Example:
        >>> normalize_data_format(None, "Conv2D")
        'channels_last'
    """
    if value is None:
        return config.image_data_format()
    return normalize_choice(value, ("channels_last", "channels_first"), "data_format", owner)


def positive_int(value, name, owner):
    """``value`` as a positive int, or a clear error.

    Example:
        >>> positive_int(32, "filters", "Conv2D")
        32
    """
    if isinstance(value, bool):
        raise TypeError(f"{owner}: {name} must be a positive integer; received {name}={value!r}")
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"{owner}: {name} must be a positive integer; received {name}={value!r}") from None
    if value <= 0:
        raise ValueError(f"{owner}: {name} must be a positive integer; received {name}={value}")
    return value


def to_channels_first_order(ndim):
    """The permutation taking ``(batch, *spatial, channels)`` to ``(batch, channels, *spatial)``.

    Example:
        >>> to_channels_first_order(3)
        (0, 2, 1)
    """
    return (0, ndim - 1) + tuple(range(1, ndim - 1))


def to_channels_last_order(ndim):
    """The inverse of :func:`to_channels_first_order`.

    Example:
        >>> to_channels_last_order(5)
        (0, 2, 3, 4, 1)
    """
    return (0,) + tuple(range(2, ndim)) + (1,)


def same_padding(size, kernel, stride, dilation):
    """TensorFlow's ``'same'`` padding ``(before, after)`` of one axis of length ``size``.

    Example:
        >>> same_padding(28, 3, 1, 1), same_padding(7, 3, 2, 1), same_padding(5, 2, 1, 1)
        ((1, 1), (1, 1), (0, 1))
    """
    effective = (kernel - 1) * dilation + 1
    outputs = -(-size // stride)
    total = max((outputs - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def flat_pad(pads):
    """Per-axis ``(before, after)`` pairs (first spatial axis first) as ``F.pad``'s last-axis-first list.

    Example:
        >>> flat_pad([(0, 1), (2, 3)])
        [2, 3, 0, 1]
    """
    return [p for pair in reversed(pads) for p in pair]


def conv_output_length(size, kernel, stride, padding, dilation=1):
    """Output length of a convolution or pooling along one axis (``None`` stays ``None``).

    Example:
        >>> conv_output_length(28, 3, 1, "valid"), conv_output_length(7, 3, 2, "same")
        (26, 4)
    """
    if size is None:
        return None
    if padding in ("same", "causal"):
        return -(-size // stride)
    effective = (kernel - 1) * dilation + 1
    return (size - effective) // stride + 1


def spatial_axes(data_format, rank):
    """Indices of the spatial axes of a ``rank``-D input, and the channel axis.

    Example:
        >>> spatial_axes("channels_last", 2)
        ((1, 2), 3)
    """
    if data_format == "channels_last":
        return tuple(range(1, rank + 1)), rank + 1
    return tuple(range(2, rank + 2)), 1


def check_output_size(owner, input_shape, output_shape, spatial, padding, **window_args):
    """Raise a clear error when a window does not fit in the input (an output dimension <= 0).

    ``window_args`` name the window, e.g. ``kernel_size=(3, 3), dilation_rate=(1, 1)``.

    Example:
        >>> check_output_size("Conv2D 'c'", (1, 2, 2, 1), (1, 0, 0, 4), (1, 2), "valid", kernel_size=(3, 3))
        Traceback (most recent call last):
        ...
        ValueError: Conv2D 'c': the window (kernel_size=(3, 3)) is larger than the spatial size (2, 2) of the input of shape (1, 2, 2, 1) with padding='valid'; use a smaller window, padding='same', or a larger input.
    """
    sizes = tuple(output_shape[a] for a in spatial)
    if any(s is not None and s <= 0 for s in sizes):
        in_sizes = tuple(input_shape[a] for a in spatial)
        described = ", ".join(f"{name}={tuple(value)}" for name, value in window_args.items())
        raise ValueError(
            f"{owner}: the window ({described}) is larger than the spatial size {in_sizes} of the input of shape "
            f"{tuple(input_shape)} with padding={padding!r}; use a smaller window, padding='same', or a larger input."
        )


def normalize_pairs(value, rank, name, owner):
    """Per-axis ``(before, after)`` amounts for padding/cropping layers, as a tuple of ``rank`` pairs.

    Accepts an int (the same on every side), for ``rank == 1`` a pair ``(before, after)``,
    and otherwise ``rank`` entries that are each an int (symmetric) or a pair.

    Example:
        >>> normalize_pairs(1, 2, "padding", "ZeroPadding2D"), normalize_pairs((2, (0, 1)), 2, "padding", "Z")
        (((1, 1), (1, 1)), ((2, 2), (0, 1)))
        >>> normalize_pairs((0, 3), 1, "cropping", "Cropping1D")
        ((0, 3),)
    """
    if rank == 1 and not isinstance(value, int):
        return (normalize_tuple(value, 2, name, owner, allow_zero=True),)
    if isinstance(value, int) and not isinstance(value, bool):
        return (normalize_tuple(value, 2, name, owner, allow_zero=True),) * rank
    try:
        entries = list(value)
    except TypeError:
        entries = None
    if entries is None or len(entries) != rank:
        raise ValueError(
            f"{owner}: {name} must be an int, or {rank} entries (one per spatial axis) that are each an int or "
            f"a (before, after) pair; received {name}={value!r}"
        )
    return tuple(normalize_tuple(entry, 2, f"{name} entry {i}", owner, allow_zero=True)
                 for i, entry in enumerate(entries))
