"""Keras 2's backend neural-network functions: activations, cross-entropies, convolution, pooling, ...

The formulas are Keras 2's where they differ from Keras 3: probabilities are
clipped to ``[epsilon, 1 - epsilon]`` and ``binary_crossentropy`` adds
``epsilon`` inside its logarithms; ``categorical_crossentropy`` renormalises
``output`` to sum to 1; ``hard_sigmoid`` is ``clip(0.2 x + 0.5, 0, 1)``;
``relu`` has ``alpha``, ``max_value`` and ``threshold``. The argument order of
the losses is ``(target, output)``.

Example:
    >>> from lamina import backend as K
    >>> K.relu(torch.tensor([-2.0, 1.0, 9.0]), alpha=0.5, max_value=6.0).tolist()
    [-1.0, 1.0, 6.0]
"""
import torch
import torch.nn.functional as F

from lamina import ops
from lamina import random as lamina_random
from lamina.backend.random import seed_stream
from lamina.core import config
from lamina.ops.dispatch import check_choice, op, to_tensor

__all__ = [
    "softmax", "relu", "elu", "sigmoid", "hard_sigmoid", "tanh", "softplus", "softsign",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "l2_normalize",
    "bias_add", "conv1d", "conv2d", "conv3d", "depthwise_conv2d", "separable_conv2d", "pool2d", "pool3d",
    "resize_images", "dropout", "batch_normalization", "stop_gradient",
]


def softmax(x, axis=-1):
    """Softmax over ``axis``.

    Example:
        >>> softmax(torch.zeros(1, 2)).tolist()
        [[0.5, 0.5]]
    """
    return ops.softmax(x, axis=axis)


@op
def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit: ``x`` above ``threshold`` (capped at ``max_value``), ``alpha * (x - threshold)`` below.

    Example:
        >>> relu(torch.tensor([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    x = to_tensor(x)
    if alpha == 0.0 and threshold == 0.0:
        out = torch.relu(x)
    else:
        out = torch.where(x >= threshold, x, alpha * (x - threshold))
    if max_value is not None:
        out = torch.clamp(out, max=max_value)
    return out


@op
def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Example:
        >>> elu(torch.tensor([0.0, 1.0])).tolist()
        [0.0, 1.0]
    """
    return F.elu(to_tensor(x), alpha=alpha)


def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``.

    Example:
        >>> sigmoid(torch.zeros(1)).tolist()
        [0.5]
    """
    return ops.sigmoid(x)


@op
def hard_sigmoid(x):
    """Keras 2's piecewise-linear sigmoid ``clip(0.2 * x + 0.5, 0, 1)``.

    Example:
        >>> hard_sigmoid(torch.tensor([-3.0, 0.0, 2.5])).tolist()
        [0.0, 0.5, 1.0]
    """
    return torch.clamp(0.2 * to_tensor(x) + 0.5, 0.0, 1.0)


def tanh(x):
    """Hyperbolic tangent.

    Example:
        >>> tanh(torch.zeros(1)).tolist()
        [0.0]
    """
    return ops.tanh(x)


def softplus(x):
    """``log(1 + exp(x))``.

    Example:
        >>> round(softplus(torch.zeros(1)).item(), 4)
        0.6931
    """
    return ops.softplus(x)


def softsign(x):
    """``x / (1 + |x|)``.

    Example:
        >>> softsign(torch.tensor([1.0])).tolist()
        [0.5]
    """
    return ops.softsign(x)


def _float_pair(target, output):
    output = to_tensor(output)
    if not output.is_floating_point():
        output = output.to(torch.float32)
    return to_tensor(target).to(output.dtype), output


@op
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy between ``target`` and ``output`` (probabilities, or logits).

    Example:
        >>> round(binary_crossentropy(torch.tensor([1.0]), torch.tensor([0.5])).item(), 4)
        0.6931
    """
    target, output = _float_pair(target, output)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = config.epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    return -(target * torch.log(output + eps) + (1.0 - target) * torch.log(1.0 - output + eps))


@op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy ``-sum(target * log(output))`` over ``axis``; ``output`` is rescaled to sum to 1 first.

    Example:
        >>> round(categorical_crossentropy(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]])).item(), 4)
        0.6931
    """
    target, output = _float_pair(target, output)
    if from_logits:
        return -(target * torch.log_softmax(output, dim=axis)).sum(dim=axis)
    eps = config.epsilon()
    output = output / output.sum(dim=axis, keepdim=True)
    output = torch.clamp(output, eps, 1.0 - eps)
    return -(target * torch.log(output)).sum(dim=axis)


@op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class ``target`` (shape of ``output`` without ``axis``, or with it of size 1).

    Example:
        >>> round(sparse_categorical_crossentropy(torch.tensor([1]), torch.tensor([[0.5, 0.5]])).item(), 4)
        0.6931
    """
    output = to_tensor(output)
    if not output.is_floating_point():
        output = output.to(torch.float32)
    target = to_tensor(target)
    output = torch.movedim(output, axis, -1)
    if target.dim() == output.dim() and target.shape[-1] == 1:
        target = target.squeeze(-1)
    if tuple(target.shape) != tuple(output.shape[:-1]):
        raise ValueError(
            f"K.sparse_categorical_crossentropy: target of shape {tuple(target.shape)} does not match output of "
            f"shape {tuple(output.shape)} (expected target shape {tuple(output.shape[:-1])})"
        )
    if not from_logits:
        eps = config.epsilon()
        output = torch.log(torch.clamp(output, eps, 1.0 - eps))
    log_probs = torch.log_softmax(output, dim=-1)
    return -log_probs.gather(-1, target.long().unsqueeze(-1)).squeeze(-1)


@op
def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x ** 2), 1e-12))`` over ``axis`` (all axes by default).

    Example:
        >>> l2_normalize(torch.tensor([3.0, 4.0])).tolist()
        [0.6000000238418579, 0.800000011920929]
    """
    x = to_tensor(x)
    dims = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
    squares = torch.sum(x * x, dim=dims, keepdim=True) if dims is not None else torch.sum(x * x)
    return x * torch.rsqrt(torch.clamp(squares, min=1e-12))


@op
def bias_add(x, bias, data_format=None):
    """Add a per-channel ``bias`` (shape ``(channels,)``, or the full non-batch shape) to ``x``.

    Example:
        >>> bias_add(torch.zeros(1, 2, 3), torch.tensor([1.0, 2.0, 3.0]))[0, 0].tolist()
        [1.0, 2.0, 3.0]
    """
    x, bias = to_tensor(x), to_tensor(bias)
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    if bias.dim() != 1 and bias.dim() != x.dim() - 1:
        raise ValueError(
            f"K.bias_add: bias must have rank 1 or rank {x.dim() - 1} (x has shape {tuple(x.shape)}); received "
            f"bias of shape {tuple(bias.shape)}"
        )
    channels = x.shape[1] if channels_first else x.shape[-1]
    if bias.dim() == 1 and bias.shape[0] != channels:
        raise ValueError(
            f"K.bias_add: bias has {bias.shape[0]} entries but x (shape {tuple(x.shape)}, "
            f"{'channels_first' if channels_first else 'channels_last'}) has {channels} channels"
        )
    if channels_first and bias.dim() == 1:
        bias = bias.reshape((1, -1) + (1,) * (x.dim() - 2))
    return x + bias


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """1-D convolution with a ``(width, in, out)`` kernel; ``padding='causal'`` pads on the left only.

    Example:
        >>> tuple(conv1d(torch.ones(1, 5, 2), torch.ones(3, 2, 4), padding="causal").shape)
        (1, 5, 4)
    """
    if isinstance(padding, str) and padding.lower() == "causal":
        return _causal_conv1d(x, kernel, strides, data_format, dilation_rate)
    return ops.conv(x, kernel, strides=strides, padding=padding, data_format=data_format,
                    dilation_rate=dilation_rate)


@op
def _causal_conv1d(x, kernel, strides, data_format, dilation_rate):
    x, kernel = to_tensor(x), to_tensor(kernel)
    dilation = dilation_rate[0] if isinstance(dilation_rate, (list, tuple)) else dilation_rate
    left = (kernel.shape[0] - 1) * int(dilation)
    if config.standardize_data_format(data_format) == "channels_last":
        x = F.pad(x, (0, 0, left, 0))
    else:
        x = F.pad(x, (left, 0))
    return ops.conv(x, kernel, strides=strides, padding="valid", data_format=data_format,
                    dilation_rate=dilation_rate)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    """2-D convolution with a ``(rows, cols, in, out)`` kernel.

    Example:
        >>> tuple(conv2d(torch.ones(1, 5, 5, 3), torch.ones(3, 3, 3, 8)).shape)
        (1, 3, 3, 8)
    """
    return ops.conv(x, kernel, strides=strides, padding=padding, data_format=data_format,
                    dilation_rate=dilation_rate)


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None, dilation_rate=(1, 1, 1)):
    """3-D convolution with a ``(depth, rows, cols, in, out)`` kernel.

    Example:
        >>> tuple(conv3d(torch.ones(1, 4, 4, 4, 1), torch.ones(3, 3, 3, 1, 2)).shape)
        (1, 2, 2, 2, 2)
    """
    return ops.conv(x, kernel, strides=strides, padding=padding, data_format=data_format,
                    dilation_rate=dilation_rate)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """Per-channel 2-D convolution with a ``(rows, cols, in, multiplier)`` kernel.

    Example:
        >>> tuple(depthwise_conv2d(torch.ones(1, 5, 5, 3), torch.ones(3, 3, 3, 2)).shape)
        (1, 3, 3, 6)
    """
    return ops.depthwise_conv(x, depthwise_kernel, strides=strides, padding=padding, data_format=data_format,
                              dilation_rate=dilation_rate)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """A depthwise 2-D convolution followed by a ``(1, 1, in * multiplier, out)`` pointwise one.

    Example:
        >>> tuple(separable_conv2d(torch.ones(1, 5, 5, 3), torch.ones(3, 3, 3, 1), torch.ones(1, 1, 3, 4)).shape)
        (1, 3, 3, 4)
    """
    return ops.separable_conv(x, depthwise_kernel, pointwise_kernel, strides=strides, padding=padding,
                              data_format=data_format, dilation_rate=dilation_rate)


def _pool(x, pool_size, strides, padding, data_format, pool_mode, name):
    mode = check_choice(pool_mode, ("max", "avg"), "pool_mode", f"K.{name}")
    pool = ops.max_pool if mode == "max" else ops.average_pool
    return pool(x, pool_size, strides=strides, padding=padding, data_format=data_format)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    """2-D max (``pool_mode='max'``) or average (``'avg'``) pooling; Keras 2's default stride is 1.

    Example:
        >>> tuple(pool2d(torch.ones(1, 4, 4, 1), (2, 2), strides=(2, 2)).shape)
        (1, 2, 2, 1)
    """
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, "pool2d")


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None, pool_mode="max"):
    """3-D max or average pooling.

    Example:
        >>> tuple(pool3d(torch.ones(1, 4, 4, 4, 1), (2, 2, 2), strides=(2, 2, 2), pool_mode="avg").shape)
        (1, 2, 2, 2, 1)
    """
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, "pool3d")


@op
def resize_images(x, height_factor, width_factor, data_format=None, interpolation="nearest"):
    """Scale a batch of images by integer factors (``'nearest'`` repeats pixels; ``'bilinear'`` interpolates).

    Example:
        >>> resize_images(torch.tensor([[[[1.0], [2.0]]]]), 1, 2)[0, 0, :, 0].tolist()
        [1.0, 1.0, 2.0, 2.0]
    """
    mode = check_choice(interpolation, ("nearest", "bilinear"), "interpolation", "K.resize_images")
    x = to_tensor(x)
    if x.dim() != 4:
        raise ValueError(f"K.resize_images: x must be a batch of images (rank 4); received shape {tuple(x.shape)}")
    data_format = config.standardize_data_format(data_format)
    rows, cols = (1, 2) if data_format == "channels_last" else (2, 3)
    if mode == "nearest":
        return x.repeat_interleave(int(height_factor), dim=rows).repeat_interleave(int(width_factor), dim=cols)
    size = (x.shape[rows] * int(height_factor), x.shape[cols] * int(width_factor))
    return ops.image.resize(x, size, interpolation="bilinear", data_format=data_format)


@op
def dropout(x, level, noise_shape=None, seed=None):
    """Zero a fraction ``level`` of ``x`` and scale the rest by ``1 / (1 - level)``.

    Example:
        >>> sorted(set(dropout(torch.ones(100), 0.5, seed=1).tolist()))
        [0.0, 2.0]
    """
    return lamina_random.dropout(x, level, noise_shape=noise_shape, seed=seed_stream(seed))


@op
def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta``, the statistics given per feature of ``axis``.

    Example:
        >>> batch_normalization(torch.tensor([[2.0]]), torch.tensor([1.0]), torch.tensor([1.0]),
        ...                     torch.tensor([0.0]), torch.tensor([1.0]), epsilon=0.0).tolist()
        [[1.0]]
    """
    x = to_tensor(x)
    axis = axis % x.dim()

    def shaped(t):
        if t is None:
            return None
        t = to_tensor(t)
        if t.dim() == 1 and axis != x.dim() - 1:
            t = t.reshape((-1,) + (1,) * (x.dim() - 1 - axis))
        return t

    out = (x - shaped(mean)) * torch.rsqrt(shaped(var) + epsilon)
    if gamma is not None:
        out = out * shaped(gamma)
    if beta is not None:
        out = out + shaped(beta)
    return out


def stop_gradient(variables):
    """The value(s) of ``variables`` (a tensor or a list) with no gradient flowing back.

    Example:
        >>> stop_gradient(torch.ones(1, requires_grad=True)).requires_grad
        False
    """
    if isinstance(variables, (list, tuple)):
        return [ops.stop_gradient(v) for v in variables]
    return ops.stop_gradient(variables)
