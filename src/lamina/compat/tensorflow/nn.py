"""``tf.nn``: convolution, pooling, dropout, activations, cross-entropies and embedding lookup.

TensorFlow's conventions: ``NHWC`` layout by default (``data_format='NCHW'`` too),
``(*window, in, out)`` filters, the non-flipped sum (cross-correlation),
``strides``/``ksize`` given as an int, a list per spatial axis or a list per axis
(batch and channel entries 1), and ``padding`` either ``'SAME'``/``'VALID'`` or an
explicit list of ``[before, after]`` pairs per axis (batch and channel pairs 0).

Example:
    >>> from lamina.compat.tensorflow import nn
    >>> x, w = torch.ones(1, 5, 5, 1), torch.ones(3, 3, 1, 2)
    >>> nn.conv2d(x, w, strides=1, padding=[[0, 0], [1, 1], [1, 1], [0, 0]]).shape
    torch.Size([1, 5, 5, 2])
    >>> nn.max_pool2d(x, ksize=2, strides=2, padding="VALID").shape
    torch.Size([1, 2, 2, 1])
"""
import torch
import torch.nn.functional as F

from lamina import ops
from lamina import random as lamina_random
from lamina.backend.random import seed_stream
from lamina.compat.tensorflow import math as tf_math
from lamina.compat.tensorflow._subset import missing_names
from lamina.compat.tensorflow.tensors import convert_to_tensor
from lamina.ops.dispatch import op

__all__ = [
    "conv1d", "conv2d", "conv3d", "convolution", "max_pool", "max_pool1d", "max_pool2d", "max_pool3d",
    "avg_pool", "avg_pool1d", "avg_pool2d", "avg_pool3d", "dropout", "embedding_lookup", "relu", "relu6", "elu",
    "selu", "leaky_relu", "sigmoid", "tanh", "softplus", "softsign", "silu", "swish", "gelu", "softmax",
    "log_softmax", "l2_normalize", "top_k", "in_top_k", "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits",
    "weighted_cross_entropy_with_logits", "l2_loss", "moments", "batch_normalization", "bias_add",
]

_t = convert_to_tensor
_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def _layout(data_format, n, name):
    last, first = _FORMATS[n]
    data_format = last if data_format is None else str(data_format).upper()
    if data_format not in (last, first):
        raise ValueError(f"tf.nn.{name}: data_format must be {last!r} or {first!r}; received {data_format!r}")
    return "channels_last" if data_format == last else "channels_first"


def _per_axis(value, n, layout, what, name):
    """An int, a list of 1 or n spatial values, or a list of n + 2 (batch and channel entries 1)."""
    if isinstance(value, torch.Tensor):
        value = value.tolist()
    if isinstance(value, int):
        return (value,) * n
    value = [int(v) for v in value]
    if len(value) == 1:
        return tuple(value) * n
    if len(value) == n:
        return tuple(value)
    if len(value) == n + 2:
        outer = (value[0], value[-1]) if layout == "channels_last" else (value[0], value[1])
        if outer != (1, 1):
            raise ValueError(f"tf.nn.{name}: {what} along the batch and channel axes must be 1; received {value}")
        return tuple(value[1:-1]) if layout == "channels_last" else tuple(value[2:])
    raise ValueError(f"tf.nn.{name}: {what} must be an int or a list of 1, {n} or {n + 2} ints; received {value}")


def _padding(x, padding, n, layout, name, fill=0.0):
    """``(x, 'same'|'valid')``; an explicit padding list is applied to ``x`` here."""
    if isinstance(padding, str):
        upper = padding.upper()
        if upper not in ("SAME", "VALID"):
            raise ValueError(f"tf.nn.{name}: padding must be 'SAME', 'VALID' or a list of pairs; received {padding!r}")
        return x, upper.lower()
    pairs = [tuple(int(v) for v in pair) for pair in padding]
    if len(pairs) != n + 2 or any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"tf.nn.{name}: explicit padding needs {n + 2} [before, after] pairs; received {padding!r}")
    outer = (pairs[0], pairs[-1]) if layout == "channels_last" else (pairs[0], pairs[1])
    if outer != ((0, 0), (0, 0)):
        raise ValueError(f"tf.nn.{name}: padding of the batch and channel axes must be [0, 0]; received {padding!r}")
    spatial = pairs[1:-1] if layout == "channels_last" else pairs[2:]
    flat = [p for pair in reversed(spatial) for p in pair]
    if layout == "channels_last":
        flat = [0, 0] + flat
    return F.pad(x, flat, value=fill), "valid"


def _check_rank(x, n, what, name):
    if x.dim() != n + 2:
        raise ValueError(
            f"tf.nn.{name}: {what} must have rank {n + 2} (batch, {n} spatial axes, channels); received shape "
            f"{tuple(x.shape)}"
        )


def _conv(input, filters, strides, padding, data_format, dilations, n, name):
    x, kernel = _t(input), _t(filters)
    layout = _layout(data_format, n, name)
    _check_rank(x, n, "input", name)
    _check_rank(kernel, n, "filters", name)
    strides = _per_axis(strides, n, layout, "strides", name)
    dilations = _per_axis(1 if dilations is None else dilations, n, layout, "dilations", name)
    x, mode = _padding(x, padding, n, layout, name)
    return ops.conv(x, kernel, strides=strides, padding=mode, data_format=layout, dilation_rate=dilations)


@op
def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):
    """1-D convolution of ``(batch, width, in)`` with ``(width, in, out)`` filters.

    Example:
        >>> conv1d(torch.ones(1, 5, 2), torch.ones(3, 2, 4), 1, "VALID").shape
        torch.Size([1, 3, 4])
    """
    return _conv(input, filters, stride, padding, data_format, dilations, 1, "conv1d")


@op
def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """2-D convolution (cross-correlation) of ``(batch, h, w, in)`` with ``(kh, kw, in, out)`` filters.

    Example:
        >>> conv2d(torch.ones(1, 4, 4, 1), torch.ones(2, 2, 1, 1), 2, "VALID")[0, :, :, 0].tolist()
        [[4.0, 4.0], [4.0, 4.0]]
    """
    return _conv(input, filters, strides, padding, data_format, dilations, 2, "conv2d")


@op
def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):
    """3-D convolution with ``(kd, kh, kw, in, out)`` filters.

    Example:
        >>> conv3d(torch.ones(1, 3, 3, 3, 1), torch.ones(2, 2, 2, 1, 1), 1, "VALID").shape
        torch.Size([1, 2, 2, 2, 1])
    """
    return _conv(input, filters, strides, padding, data_format, dilations, 3, "conv3d")


@op
def convolution(input, filters, strides=None, padding="VALID", data_format=None, dilations=None, name=None):
    """N-D convolution (1-D to 3-D by the rank of ``input``).

    Example:
        >>> convolution(torch.ones(1, 4, 4, 1), torch.ones(3, 3, 1, 2), padding="SAME").shape
        torch.Size([1, 4, 4, 2])
    """
    n = _t(input).dim() - 2
    if n not in _FORMATS:
        raise ValueError(f"tf.nn.convolution: input must have rank 3 to 5; received shape {tuple(_t(input).shape)}")
    return _conv(input, filters, 1 if strides is None else strides, padding, data_format, dilations, n,
                 "convolution")


def _pool(input, ksize, strides, padding, data_format, n, kind, name):
    x = _t(input)
    if n is None:
        n = x.dim() - 2
        if n not in _FORMATS:
            raise ValueError(f"tf.nn.{name}: input must have rank 3 to 5; received shape {tuple(x.shape)}")
    layout = _layout(data_format, n, name)
    _check_rank(x, n, "input", name)
    ksize = _per_axis(ksize, n, layout, "ksize", name)
    strides = _per_axis(strides, n, layout, "strides", name)
    if kind == "max":
        x, mode = _padding(x, padding, n, layout, name, fill=float("-inf"))
        return ops.max_pool(x, ksize, strides=strides, padding=mode, data_format=layout)
    if not isinstance(padding, str):
        raise ValueError(f"tf.nn.{name}: average pooling takes padding 'SAME' or 'VALID'; received {padding!r}")
    x, mode = _padding(x, padding, n, layout, name)
    return ops.average_pool(x, ksize, strides=strides, padding=mode, data_format=layout)


@op
def max_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Max pooling; 1-D, 2-D or 3-D by the rank of ``input``.

    Example:
        >>> max_pool(torch.arange(4.0).reshape(1, 4, 1), 2, 2, "VALID")[0, :, 0].tolist()
        [1.0, 3.0]
    """
    return _pool(input, ksize, strides, padding, data_format, None, "max", "max_pool")


@op
def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """1-D max pooling of ``(batch, width, channels)``.

    Example:
        >>> max_pool1d(torch.arange(4.0).reshape(1, 4, 1), 2, 2, "VALID")[0, :, 0].tolist()
        [1.0, 3.0]
    """
    return _pool(input, ksize, strides, padding, data_format, 1, "max", "max_pool1d")


@op
def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """2-D max pooling of ``(batch, h, w, channels)``.

    Example:
        >>> max_pool2d(torch.arange(16.0).reshape(1, 4, 4, 1), 2, 2, "VALID")[0, :, :, 0].tolist()
        [[5.0, 7.0], [13.0, 15.0]]
    """
    return _pool(input, ksize, strides, padding, data_format, 2, "max", "max_pool2d")


@op
def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """3-D max pooling.

    Example:
        >>> max_pool3d(torch.ones(1, 2, 2, 2, 1), 2, 2, "VALID").shape
        torch.Size([1, 1, 1, 1, 1])
    """
    return _pool(input, ksize, strides, padding, data_format, 3, "max", "max_pool3d")


@op
def avg_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Average pooling; 1-D, 2-D or 3-D by the rank of ``input`` ('SAME' does not count padded positions).

    Example:
        >>> avg_pool(torch.arange(4.0).reshape(1, 4, 1), 2, 2, "VALID")[0, :, 0].tolist()
        [0.5, 2.5]
    """
    return _pool(input, ksize, strides, padding, data_format, None, "avg", "avg_pool")


@op
def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """1-D average pooling.

    Example:
        >>> avg_pool1d(torch.arange(4.0).reshape(1, 4, 1), 2, 2, "VALID")[0, :, 0].tolist()
        [0.5, 2.5]
    """
    return _pool(input, ksize, strides, padding, data_format, 1, "avg", "avg_pool1d")


@op
def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """2-D average pooling.

    Example:
        >>> avg_pool2d(torch.arange(16.0).reshape(1, 4, 4, 1), 2, 2, "VALID")[0, :, :, 0].tolist()
        [[2.5, 4.5], [10.5, 12.5]]
    """
    return _pool(input, ksize, strides, padding, data_format, 2, "avg", "avg_pool2d")


@op
def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """3-D average pooling.

    Example:
        >>> avg_pool3d(torch.ones(1, 2, 2, 2, 1), 2, 2, "VALID").shape
        torch.Size([1, 1, 1, 1, 1])
    """
    return _pool(input, ksize, strides, padding, data_format, 3, "avg", "avg_pool3d")


@op
def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each entry with probability ``rate`` (in ``[0, 1)``) and scale the others by ``1 / (1 - rate)``.

    Example:
        >>> sorted(set(dropout(torch.ones(100), 0.5, seed=1).tolist()))
        [0.0, 2.0]
    """
    x = _t(x)
    rate = float(rate)
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"tf.nn.dropout: rate must be in [0, 1); received rate={rate}")
    if not x.is_floating_point():
        raise ValueError(f"tf.nn.dropout: x must be a float tensor; received dtype {x.dtype}")
    return lamina_random.dropout(x, rate, noise_shape=noise_shape, seed=seed_stream(seed))


@op
def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of the table ``params`` at integer ``ids`` (any shape): ``params[ids]``.

    ``max_norm`` rescales looked-up rows whose L2 norm exceeds it (the table is not changed).

    Example:
        >>> embedding_lookup(torch.arange(6.0).reshape(3, 2), torch.tensor([[2, 0]])).tolist()
        [[[4.0, 5.0], [0.0, 1.0]]]
    """
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise ValueError("tf.nn.embedding_lookup: lamina's subset takes one table (no sharded list of tables)")
        params = params[0]
    params, ids = _t(params), _t(ids)
    if ids.is_floating_point():
        raise TypeError(f"tf.nn.embedding_lookup: ids must be integers; received dtype {ids.dtype}")
    rows = params[ids.long()]
    if max_norm is not None:
        norms = torch.linalg.vector_norm(rows, dim=-1, keepdim=True)
        rows = rows * torch.clamp(max_norm / torch.clamp(norms, min=1e-12), max=1.0)
    return rows


@op
def relu(features, name=None):
    """``max(features, 0)``.

    Example:
        >>> relu(torch.tensor([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return torch.relu(_t(features))


@op
def relu6(features, name=None):
    """``min(max(features, 0), 6)``.

    Example:
        >>> relu6(torch.tensor([9.0])).tolist()
        [6.0]
    """
    return F.relu6(_t(features))


@op
def elu(features, name=None):
    """``features`` if positive, else ``exp(features) - 1``.

    Example:
        >>> elu(torch.tensor([0.0])).tolist()
        [0.0]
    """
    return F.elu(_t(features))


@op
def selu(features, name=None):
    """Scaled exponential linear unit.

    Example:
        >>> selu(torch.tensor([0.0])).tolist()
        [0.0]
    """
    return F.selu(_t(features))


@op
def softsign(features, name=None):
    """``features / (1 + |features|)``.

    Example:
        >>> softsign(torch.tensor([1.0])).tolist()
        [0.5]
    """
    return F.softsign(_t(features))


sigmoid = tf_math.sigmoid
tanh = tf_math.tanh
softplus = tf_math.softplus
softmax = tf_math.softmax
log_softmax = tf_math.log_softmax
l2_normalize = tf_math.l2_normalize
top_k = tf_math.top_k
in_top_k = tf_math.in_top_k


@op
def leaky_relu(features, alpha=0.2, name=None):
    """``features`` if positive, else ``alpha * features``.

    Example:
        >>> leaky_relu(torch.tensor([-1.0, 1.0])).tolist()
        [-0.20000000298023224, 1.0]
    """
    return F.leaky_relu(_t(features), negative_slope=alpha)


@op
def silu(features, beta=1.0, name=None):
    """``features * sigmoid(beta * features)`` (also ``tf.nn.swish``).

    Example:
        >>> silu(torch.tensor([0.0])).tolist()
        [0.0]
    """
    x = _t(features)
    return x * torch.sigmoid(beta * x)


swish = silu


@op
def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit; exact (erf) by default, as in TensorFlow, or the tanh approximation.

    Example:
        >>> gelu(torch.tensor([0.0])).tolist()
        [0.0]
    """
    return F.gelu(_t(features), approximate="tanh" if approximate else "none")


def _logits_pair(labels, logits):
    logits = _t(logits)
    return _t(labels).to(logits.dtype), logits


@op
def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """``-sum(labels * log_softmax(logits), axis)`` (``labels`` a probability distribution).

    Example:
        >>> f"{softmax_cross_entropy_with_logits(torch.tensor([[0.0, 1.0]]), torch.zeros(1, 2)).item():.4f}"
        '0.6931'
    """
    labels, logits = _logits_pair(labels, logits)
    return -(labels * torch.log_softmax(logits, dim=axis)).sum(dim=axis)


@op
def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """Cross-entropy of integer class ``labels`` (shape of ``logits`` without the last axis).

    Example:
        >>> f"{sparse_softmax_cross_entropy_with_logits(torch.tensor([1]), torch.zeros(1, 2)).item():.4f}"
        '0.6931'
    """
    labels, logits = _t(labels), _t(logits)
    if tuple(labels.shape) != tuple(logits.shape[:-1]):
        raise ValueError(
            f"tf.nn.sparse_softmax_cross_entropy_with_logits: labels of shape {tuple(labels.shape)} must have the "
            f"shape of logits without its last axis, {tuple(logits.shape[:-1])}"
        )
    return -torch.log_softmax(logits, dim=-1).gather(-1, labels.long().unsqueeze(-1)).squeeze(-1)


@op
def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Element-wise ``max(x, 0) - x * z + log(1 + exp(-|x|))`` for logits ``x`` and labels ``z``.

    Example:
        >>> f"{sigmoid_cross_entropy_with_logits(labels=torch.ones(1), logits=torch.zeros(1)).item():.4f}"
        '0.6931'
    """
    if labels is None or logits is None:
        raise ValueError("tf.nn.sigmoid_cross_entropy_with_logits: pass both labels= and logits=")
    labels, logits = _logits_pair(labels, logits)
    if labels.shape != logits.shape:
        raise ValueError(
            f"tf.nn.sigmoid_cross_entropy_with_logits: labels (shape {tuple(labels.shape)}) and logits "
            f"(shape {tuple(logits.shape)}) must have the same shape"
        )
    return F.binary_cross_entropy_with_logits(logits, labels, reduction="none")


@op
def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """Sigmoid cross-entropy whose positive term is multiplied by ``pos_weight``.

    Example:
        >>> f"{weighted_cross_entropy_with_logits(torch.ones(1), torch.zeros(1), 2.0).item():.4f}"
        '1.3863'
    """
    labels, logits = _logits_pair(labels, logits)
    weight = torch.as_tensor(pos_weight, dtype=logits.dtype, device=logits.device)
    return F.binary_cross_entropy_with_logits(logits, labels, pos_weight=weight, reduction="none")


@op
def l2_loss(t, name=None):
    """``sum(t ** 2) / 2``.

    Example:
        >>> l2_loss(torch.tensor([1.0, 2.0])).item()
        2.5
    """
    t = _t(t)
    return torch.sum(t * t) / 2


@op
def moments(x, axes, shift=None, keepdims=False, name=None):
    """``(mean, variance)`` of ``x`` over ``axes`` (population variance).

    Example:
        >>> [m.item() for m in moments(torch.tensor([1.0, 3.0]), axes=[0])]
        [2.0, 1.0]
    """
    x = _t(x)
    dims = tuple(int(a) for a in axes)
    mean = torch.mean(x, dim=dims, keepdim=True)
    variance = torch.mean(torch.square(x - mean), dim=dims, keepdim=keepdims)
    return (mean if keepdims else mean.squeeze(dims)), variance


@op
def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``(x - mean) / sqrt(variance + variance_epsilon) * scale + offset`` (``offset``/``scale`` may be None).

    Example:
        >>> batch_normalization(torch.tensor([3.0]), 1.0, 4.0, None, None, 0.0).tolist()
        [1.0]
    """
    x = _t(x)
    out = (x - _t(mean)) * torch.rsqrt(_t(variance) + variance_epsilon)
    if scale is not None:
        out = out * _t(scale)
    if offset is not None:
        out = out + _t(offset)
    return out


@op
def bias_add(value, bias, data_format=None, name=None):
    """Add the 1-D ``bias`` to the channel axis of ``value`` (the last, or axis 1 for ``'NC...'`` formats).

    Example:
        >>> bias_add(torch.zeros(1, 2), torch.tensor([1.0, 2.0])).tolist()
        [[1.0, 2.0]]
    """
    value, bias = _t(value), _t(bias)
    if bias.dim() != 1:
        raise ValueError(f"tf.nn.bias_add: bias must be 1-D; received shape {tuple(bias.shape)}")
    channels_first = data_format is not None and str(data_format).upper().startswith("NC")
    axis = 1 if channels_first else value.dim() - 1
    if value.shape[axis] != bias.shape[0]:
        raise ValueError(
            f"tf.nn.bias_add: bias has {bias.shape[0]} entries but value (shape {tuple(value.shape)}) has "
            f"{value.shape[axis]} channels on axis {axis}"
        )
    if channels_first:
        bias = bias.reshape((-1,) + (1,) * (value.dim() - 2))
    return value + bias


__getattr__ = missing_names("tf.nn")
