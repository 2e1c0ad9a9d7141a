"""``MultiHeadAttention`` (Vaswani et al., 2017) with Keras's weight layout, masks and attention axes.

Example:
    >>> layer = MultiHeadAttention(num_heads=2, key_dim=4)
    >>> layer(torch.ones(3, 5, 8), torch.ones(3, 7, 8)).shape
    torch.Size([3, 5, 8])
"""
import math

import torch
import torch.nn.functional as F

from lamina import constraints, initializers, regularizers
from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.attention.attention import causal_mask, large_negative
from lamina.layers.layer import Layer
from lamina.layers.regularization.dropout import SeededNoise, check_rate


def _product(values):
    return math.prod(values) if values else 1


class _Projection(Layer):
    """``x @ kernel + bias`` contracting the last ``bound_dims`` axes of ``x`` into ``output_shape``.

    The kernel has Keras's EinsumDense shape ``x.shape[-bound_dims:] + output_shape``.
    """

    def __init__(self, bound_dims, output_shape, use_bias, common, **kwargs):
        super().__init__(**kwargs)
        self.bound_dims, self.projection_shape, self.use_bias = bound_dims, tuple(output_shape), use_bias
        self._common = common

    def build(self, input_shape):
        c = self._common
        self.kernel = self.add_weight(shape=tuple(input_shape[-self.bound_dims:]) + self.projection_shape,
                                      initializer=c["kernel_initializer"], regularizer=c["kernel_regularizer"],
                                      constraint=c["kernel_constraint"], name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=self.projection_shape, initializer=c["bias_initializer"],
                                        regularizer=c["bias_regularizer"], constraint=c["bias_constraint"],
                                        name="bias")
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        lead = inputs.shape[:inputs.dim() - self.bound_dims]
        flat_in = _product(self.kernel.shape[:self.bound_dims])
        out = torch.matmul(inputs.reshape(*lead, flat_in), self.kernel.reshape(flat_in, -1))
        if self.bias is not None:
            out = out + self.bias.reshape(-1)
        return out.reshape(*lead, *self.projection_shape)


@registry.register()
class MultiHeadAttention(Layer):
    """Multi-head attention: ``num_heads`` scaled dot-product attentions over learned projections.

    Args:
        num_heads: number of attention heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value (default ``key_dim``).
        dropout: dropout on the attention probabilities (training only).
        use_bias: biases in the four projections.
        output_shape: size(s) of the output's last axes (default: the query's last dimension).
        attention_axes: axes attended over (default: every axis between batch and features).
        kernel_initializer, bias_initializer, *_regularizer, *_constraint: for the projections.
        seed: seed of the dropout.

    Call arguments: ``query`` ``(B, T, dim)``, ``value`` ``(B, S, dim)``, ``key`` (default
    ``value``), ``attention_mask`` ``(B, T, S)`` (``True`` = may attend), ``return_attention_scores``
    (also return ``(B, num_heads, T, S)``), ``use_causal_mask``, ``training``. Keras masks on
    ``query``/``value``/``key`` (from ``Embedding(mask_zero=True)``, ``Masking``) are combined
    with ``attention_mask``; the output carries the query's mask.

    Weights (Keras's order and shapes): query/key/value kernels ``(dim, num_heads, key_dim)``
    and biases ``(num_heads, key_dim)``, output kernel ``(num_heads, value_dim, dim)`` and bias ``(dim,)``.

    Example:
        >>> layer = MultiHeadAttention(num_heads=4, key_dim=8)
        >>> out, scores = layer(torch.ones(2, 6, 16), torch.ones(2, 6, 16), return_attention_scores=True)
        >>> out.shape, scores.shape
        (torch.Size([2, 6, 16]), torch.Size([2, 4, 6, 6]))
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, seed=None, **kwargs):
        for flag in ("flash_attention", "use_gate", "sliding_window"):
            if kwargs.pop(flag, None):
                raise ValueError(f"MultiHeadAttention: {flag} is not supported by lamina; received {flag}=True")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for name, value in (("num_heads", num_heads), ("key_dim", key_dim), ("value_dim", value_dim)):
            if value is None and name == "value_dim":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{self._label}: {name} must be a positive integer; received {name}={value!r}")
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        self.dropout = check_rate(dropout, f"{self._label} (dropout)")
        self.use_bias = bool(use_bias)
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        self._output_shape = tuple(output_shape) if output_shape else None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"{self._label}: attention_axes must be an int, a list or a tuple; "
                             f"received {attention_axes!r}")
        self.attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._noise = SeededNoise(seed)
        self.supports_masking = True

    def _common(self):
        return {
            "kernel_initializer": self.kernel_initializer.clone() if hasattr(self.kernel_initializer, "clone")
            else self.kernel_initializer,
            "bias_initializer": self.bias_initializer, "kernel_regularizer": self.kernel_regularizer,
            "bias_regularizer": self.bias_regularizer, "kernel_constraint": self.kernel_constraint,
            "bias_constraint": self.bias_constraint,
        }

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(f"{self._label}: value and key must agree on every axis but the last; received "
                             f"value shape {tuple(value_shape)} and key shape {tuple(key_shape)}")
        heads = (self.num_heads, self.key_dim)
        dtype = self._dtype_name
        self._query_dense = _Projection(1, heads, self.use_bias, self._common(), name="query", dtype=dtype)
        self._key_dense = _Projection(1, heads, self.use_bias, self._common(), name="key", dtype=dtype)
        self._value_dense = _Projection(1, (self.num_heads, self.value_dim), self.use_bias, self._common(),
                                        name="value", dtype=dtype)
        output_shape = self._output_shape or (query_shape[-1],)
        self._output_dense = _Projection(2, output_shape, self.use_bias, self._common(), name="attention_output",
                                         dtype=dtype)
        self._query_dense.build(query_shape)
        self._key_dense.build(key_shape)
        self._value_dense.build(value_shape)
        self._output_dense.build((self.num_heads, self.value_dim))
        rank = len(query_shape) + 1  # after projection: (batch, ..., heads, channels)
        axes = self.attention_axes if self.attention_axes is not None else tuple(range(1, rank - 2))
        self._axes = tuple(a if a >= 0 else (rank - 1) + a for a in axes)
        self.built = True

    @property
    def query_dense(self):
        return self._query_dense

    @property
    def key_dense(self):
        return self._key_dense

    @property
    def value_dense(self):
        return self._value_dense

    @property
    def output_dense(self):
        return self._output_dense

    # -- masks -----------------------------------------------------------------------------
    def _attention_mask(self, query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        """Keras's merged boolean mask ``(B, T, S)`` (or broadcastable), ``None`` when nothing is masked."""
        mask = None
        if query_mask is not None:
            mask = query_mask.bool().unsqueeze(-1)
        for other in (value_mask, key_mask):
            if other is not None:
                part = other.bool().unsqueeze(-2)
                mask = part if mask is None else mask & part
        if use_causal_mask:
            part = causal_mask(query.shape[1], value.shape[1], query.device)
            mask = part if mask is None else mask & part
        if attention_mask is not None:
            attention_mask = attention_mask.bool()
            mask = attention_mask if mask is None else attention_mask & mask
        return mask

    # -- attention ---------------------------------------------------------------------------
    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False):
        """Attention over projected ``query (B, ..., N, key_dim)``, ``key``, ``value``.

        The attention axes are flattened into one sequence axis and the other
        non-batch axes moved next to the batch, so one batched product serves any
        ``attention_axes``; the result is put back in Keras's layout.
        """
        rank = query.dim()
        axes = self._axes
        others = [a for a in range(1, rank - 2) if a not in axes]
        order = [0] + others + [rank - 2] + list(axes) + [rank - 1]
        q, k, v = (t.permute(order) for t in (query, key, value))
        lead = q.shape[:len(others) + 2]  # (B, others..., N)
        q_attention, k_attention = q.shape[len(lead):-1], k.shape[len(lead):-1]
        q = q.reshape(*lead, -1, q.shape[-1])
        k = k.reshape(*k.shape[:len(lead)], -1, k.shape[-1])
        v = v.reshape(*v.shape[:len(lead)], -1, v.shape[-1])
        if attention_mask is not None:
            # Keras's layout (B, others..., q axes..., k axes...) gains the heads axis before the query axes
            mask = attention_mask
            while mask.dim() < len(lead) + len(q_attention) + len(k_attention):
                mask = mask.unsqueeze(-2 * len(axes) - 1)
            if len(q_attention) != 1 or len(k_attention) != 1:
                mask = mask.expand(*lead[:-1], mask.shape[len(lead) - 1], *q_attention, *k_attention)
                mask = mask.reshape(*mask.shape[:len(lead)], _product(q_attention), _product(k_attention))
        scale = 1.0 / math.sqrt(float(self.key_dim))
        dropping = bool(training) and self.dropout > 0 and not in_symbolic_scope()
        if not return_attention_scores and not dropping:
            # Keras's fused path: an additive mask (a fully masked row attends uniformly)
            bias = None if attention_mask is None else (~mask).to(q.dtype) * large_negative(q.dtype)
            output = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, scale=scale)
            weights = None
        else:
            # Keras's Softmax(mask) path: masked scores replaced, masked weights zeroed
            scores = torch.matmul(q * scale, k.transpose(-2, -1))
            if attention_mask is not None:
                scores = scores.masked_fill(~mask, large_negative(scores.dtype))
            weights = torch.softmax(scores, dim=-1)
            if attention_mask is not None:
                weights = weights.masked_fill(~mask, 0.0)
            dropped = weights
            if dropping:
                keep = torch.empty_like(weights).bernoulli_(1 - self.dropout,
                                                            generator=self._noise.generator(weights.device))
                dropped = weights * keep / (1 - self.dropout)
            output = torch.matmul(dropped, v)
        output = output.reshape(*lead, *q_attention, output.shape[-1])
        inverse = [order.index(i) for i in range(rank)]
        output = output.permute(inverse)
        if weights is not None:
            weights = weights.reshape(*lead, *q_attention, *k_attention)
        return output, weights

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        if key is None:
            key = value
        else:
            key_mask = key_mask if key_mask is not None else getattr(key, "_keras_mask", None)
        query_mask = getattr(query, "_keras_mask", None) if query_mask is None else query_mask
        value_mask = getattr(value, "_keras_mask", None) if value_mask is None else value_mask
        mask = self._attention_mask(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        output, scores = self._compute_attention(self._query_dense(query), self._key_dense(key),
                                                 self._value_dense(value), mask, training, return_attention_scores)
        output = self._output_dense(output)
        return (output, scores) if return_attention_scores else output

    def compute_mask(self, inputs, previous_mask=None):
        return getattr(inputs, "_keras_mask", None) if previous_mask is None else previous_mask

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_heads": self.num_heads, "key_dim": self.key_dim, "value_dim": self.value_dim,
            "dropout": self.dropout, "use_bias": self.use_bias,
            "output_shape": list(self._output_shape) if self._output_shape else None,
            "attention_axes": list(self.attention_axes) if self.attention_axes is not None else None,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        })
        return config
