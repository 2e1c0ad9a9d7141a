"""Convolution and pooling ops with Keras's layouts (``keras.ops.conv`` & co.).

Inputs are ``channels_last`` by default (``(batch, *spatial, channels)``) and
kernels are Keras-shaped: ``(*spatial, in_channels / groups, out_channels)``
for ``conv``, ``(*spatial, in_channels, multiplier)`` for ``depthwise_conv``,
``(*spatial, out_channels, in_channels)`` for ``conv_transpose``. Inside, torch
kernels run on a permuted *view* (channels-last memory, no copy of the input).
``padding='same'`` follows TensorFlow: the output has ``ceil(size / stride)``
positions and any odd padding goes at the end.

Example:
    >>> x = torch.ones(1, 5, 5, 3)
    >>> conv(x, torch.ones(3, 3, 3, 8), padding="same").shape
    torch.Size([1, 5, 5, 8])
    >>> max_pool(x, 2).shape
    torch.Size([1, 2, 2, 3])
"""
import torch
import torch.nn.functional as F

from lamina.core import config
from lamina.ops.dispatch import check_choice, op, to_tensor

__all__ = ["conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool"]

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _tuple(value, n, name, op_name):
    """An int or a length-``n`` sequence of positive ints as an ``n``-tuple."""
    values = (value,) * n if isinstance(value, int) else tuple(value)
    if len(values) != n or not all(isinstance(v, int) and v > 0 for v in values):
        raise ValueError(f"{op_name}: {name} must be a positive int or {n} positive ints; received {name}={value!r}")
    return values


def _spatial_rank(inputs, op_name):
    n = inputs.dim() - 2
    if n not in (1, 2, 3):
        raise ValueError(
            f"{op_name}: inputs must have rank 3, 4 or 5 (batch, spatial..., channels); received shape "
            f"{tuple(inputs.shape)}"
        )
    return n


def _to_channels_first(x, data_format):
    if data_format == "channels_first":
        return x
    n = x.dim()
    return x.permute(0, n - 1, *range(1, n - 1))


def _from_channels_first(x, data_format):
    if data_format == "channels_first":
        return x
    n = x.dim()
    return x.permute(0, *range(2, n), 1)


def _torch_kernel(kernel):
    """Keras ``(*spatial, a, b)`` as torch ``(b, a, *spatial)``."""
    n = kernel.dim()
    return kernel.permute(n - 1, n - 2, *range(n - 2))


def _same_padding(sizes, kernel, strides, dilation):
    """TensorFlow's 'same' padding per spatial axis: (before, after)."""
    pads = []
    for size, k, s, d in zip(sizes, kernel, strides, dilation):
        effective = (k - 1) * d + 1
        out = -(-size // s)
        total = max((out - 1) * s + effective - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _flat_pad(pads):
    """Per-axis (before, after) pairs as ``F.pad``'s last-axis-first list."""
    return [p for pair in reversed(pads) for p in pair]


def _prepare(inputs, kernel, strides, padding, data_format, dilation_rate, op_name):
    inputs, kernel = to_tensor(inputs), to_tensor(kernel)
    n = _spatial_rank(inputs, op_name)
    if kernel.dim() != n + 2:
        raise ValueError(
            f"{op_name}: a {n}-D convolution needs a kernel of rank {n + 2} (*spatial, in, out); received kernel "
            f"shape {tuple(kernel.shape)} for inputs of shape {tuple(inputs.shape)}"
        )
    strides = _tuple(strides, n, "strides", op_name)
    dilation = _tuple(dilation_rate, n, "dilation_rate", op_name)
    padding = check_choice(padding, ("valid", "same"), "padding", op_name)
    data_format = config.standardize_data_format(data_format)
    return inputs, kernel, n, strides, dilation, padding, data_format


@op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1-D, 2-D or 3-D by the rank of ``inputs``) with a Keras-shaped kernel.

    A kernel whose input-channel axis is a divisor of the input channels makes a
    grouped convolution.

    Example:
        >>> conv(torch.ones(2, 10, 4), torch.ones(3, 4, 6), strides=2).shape
        torch.Size([2, 4, 6])
    """
    inputs, kernel, n, strides, dilation, padding, data_format = _prepare(
        inputs, kernel, strides, padding, data_format, dilation_rate, "conv"
    )
    x = _to_channels_first(inputs, data_format)
    in_channels, kernel_in = x.shape[1], kernel.shape[-2]
    if in_channels % kernel_in:
        raise ValueError(
            f"conv: inputs have {in_channels} channels but the kernel (shape {tuple(kernel.shape)}) expects "
            f"{kernel_in} input channels (or a divisor of the input channels, for grouped convolution)"
        )
    weight = _torch_kernel(kernel)
    pad = 0
    if padding == "same":
        pads = _same_padding(x.shape[2:], kernel.shape[:n], strides, dilation)
        if all(a == b for a, b in pads):
            pad = [a for a, _ in pads]
        else:
            x = F.pad(x, _flat_pad(pads))
    out = _CONV[n](x, weight, None, strides, pad, dilation, in_channels // kernel_in)
    return _from_channels_first(out, data_format)


@op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Convolve each input channel with its own ``multiplier`` filters; kernel ``(*spatial, in, multiplier)``.

    Output channel ``c * multiplier + m`` is input channel ``c`` through filter ``m``.

    Example:
        >>> depthwise_conv(torch.ones(1, 5, 5, 3), torch.ones(3, 3, 3, 2)).shape
        torch.Size([1, 3, 3, 6])
    """
    kernel = to_tensor(kernel)
    inputs = to_tensor(inputs)
    channel_axis = 1 if config.standardize_data_format(data_format) == "channels_first" else -1
    if kernel.dim() >= 2 and inputs.dim() >= 2 and kernel.shape[-2] != inputs.shape[channel_axis]:
        raise ValueError(
            f"depthwise_conv: inputs have {inputs.shape[channel_axis]} channels but the kernel (shape "
            f"{tuple(kernel.shape)}) is for {kernel.shape[-2]} input channels"
        )
    flat = kernel.reshape(*kernel.shape[:-2], 1, kernel.shape[-2] * kernel.shape[-1])
    return conv.eager(inputs, flat, strides, padding, data_format, dilation_rate)


@op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution mixing channels.

    Example:
        >>> separable_conv(torch.ones(1, 5, 5, 3), torch.ones(3, 3, 3, 2), torch.ones(1, 1, 6, 4)).shape
        torch.Size([1, 3, 3, 4])
    """
    depthwise = depthwise_conv.eager(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv.eager(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _transpose_crops(sizes, kernel, strides, dilation, padding, output_padding):
    """(crop_before, crop_after) of torch's full transposed-convolution output, per spatial axis.

    Torch's full output has ``(size - 1) * stride + effective_kernel`` positions.
    Keras's 'valid' keeps all of them plus ``output_padding`` (default
    ``max(stride - kernel, 0)``) zeros at the end; 'same' keeps ``size * stride``
    (or the ``output_padding`` variant), taking the odd position from the end.
    A negative crop means zeros are appended.
    """
    crops = []
    for i, (k, s, d) in enumerate(zip(kernel, strides, dilation)):
        effective = (k - 1) * d + 1
        extra = None if output_padding is None else output_padding[i]
        if padding == "valid":
            extra = max(effective, s) - effective if extra is None else extra
            before, after = effective - 1, effective - 1 + extra
        else:
            total = s + effective - 2 if extra is None else effective + effective % 2 - 2 + extra
            before = min(total // 2 + total % 2, effective - 1)
            after = total - before
        crops.append((effective - 1 - before, effective - 1 - after))
    return crops


@op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """Transposed convolution (the gradient of ``conv``); kernel ``(*spatial, out_channels, in_channels)``.

    Output size per axis: ``size * stride`` for 'same', ``(size - 1) * stride +
    max(kernel, stride)`` for 'valid' (``output_padding`` adjusts both, as Keras).

    Example:
        >>> conv_transpose(torch.ones(1, 4, 4, 3), torch.ones(3, 3, 8, 3), strides=2, padding="same").shape
        torch.Size([1, 8, 8, 8])
    """
    inputs, kernel, n, strides, dilation, padding, data_format = _prepare(
        inputs, kernel, strides, padding, data_format, dilation_rate, "conv_transpose"
    )
    x = _to_channels_first(inputs, data_format)
    if x.shape[1] != kernel.shape[-1]:
        raise ValueError(
            f"conv_transpose: inputs have {x.shape[1]} channels but the kernel (shape {tuple(kernel.shape)}) "
            f"expects {kernel.shape[-1]} (kernel layout: *spatial, out_channels, in_channels)"
        )
    if output_padding is not None:
        output_padding = (output_padding,) * n if isinstance(output_padding, int) else tuple(output_padding)
    crops = _transpose_crops(x.shape[2:], kernel.shape[:n], strides, dilation, padding, output_padding)
    weight = kernel.permute(n + 1, n, *range(n))  # (in, out, *spatial)
    torch_pad = [before for before, _ in crops]
    torch_extra = [before - after for before, after in crops]
    if all(p >= 0 and 0 <= e < max(s, d) for p, e, s, d in zip(torch_pad, torch_extra, strides, dilation)):
        out = _CONV_TRANSPOSE[n](x, weight, None, strides, torch_pad, torch_extra, 1, dilation)
    else:  # crops torch cannot express: compute the full output, then crop / zero-extend
        out = _CONV_TRANSPOSE[n](x, weight, None, strides, 0, 0, 1, dilation)
        index = [slice(None), slice(None)] + [
            slice(max(before, 0), out.shape[2 + i] - max(after, 0)) for i, (before, after) in enumerate(crops)
        ]
        out = out[tuple(index)]
        if any(before < 0 or after < 0 for before, after in crops):
            out = F.pad(out, _flat_pad([(max(-before, 0), max(-after, 0)) for before, after in crops]))
    return _from_channels_first(out, data_format)


def _prepare_pool(inputs, pool_size, strides, padding, data_format, op_name):
    inputs = to_tensor(inputs)
    n = _spatial_rank(inputs, op_name)
    pool_size = _tuple(pool_size, n, "pool_size", op_name)
    strides = pool_size if strides is None else _tuple(strides, n, "strides", op_name)
    padding = check_choice(padding, ("valid", "same"), "padding", op_name)
    data_format = config.standardize_data_format(data_format)
    return _to_channels_first(inputs, data_format), n, pool_size, strides, padding, data_format


@op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Maximum over windows of ``pool_size`` (``strides`` defaults to ``pool_size``).

    Example:
        >>> max_pool(torch.arange(8.0).reshape(1, 8, 1), 2)[0, :, 0].tolist()
        [1.0, 3.0, 5.0, 7.0]
    """
    x, n, pool_size, strides, padding, data_format = _prepare_pool(
        inputs, pool_size, strides, padding, data_format, "max_pool"
    )
    pad = 0
    if padding == "same":
        pads = _same_padding(x.shape[2:], pool_size, strides, (1,) * n)
        if all(a == b and a <= k // 2 for (a, b), k in zip(pads, pool_size)):
            pad = [a for a, _ in pads]
        else:
            x = F.pad(x, _flat_pad(pads), value=float("-inf"))
    out = _MAX_POOL[n](x, pool_size, strides, pad)
    return _from_channels_first(out, data_format)


@op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Mean over windows of ``pool_size``; with 'same' padding the padded positions are not counted.

    Example:
        >>> average_pool(torch.arange(4.0).reshape(1, 4, 1), 2)[0, :, 0].tolist()
        [0.5, 2.5]
    """
    x, n, pool_size, strides, padding, data_format = _prepare_pool(
        inputs, pool_size, strides, padding, data_format, "average_pool"
    )
    pool = _AVG_POOL[n]
    if padding == "valid":
        out = pool(x, pool_size, strides, 0)
    else:
        pads = _same_padding(x.shape[2:], pool_size, strides, (1,) * n)
        if all(a == b and a <= k // 2 for (a, b), k in zip(pads, pool_size)):
            out = pool(x, pool_size, strides, [a for a, _ in pads], count_include_pad=False)
        else:  # asymmetric: divide window sums by the number of real positions in each window
            flat = _flat_pad(pads)
            ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
            out = pool(F.pad(x, flat), pool_size, strides, 0) / pool(F.pad(ones, flat), pool_size, strides, 0)
    return _from_channels_first(out, data_format)
