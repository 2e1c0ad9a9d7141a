"""``Attention``: Luong-style dot-product attention over ``[query, value]`` or ``[query, value, key]``.

Example:
    >>> query, value = torch.ones(2, 3, 4), torch.ones(2, 5, 4)
    >>> Attention()([query, value]).shape
    torch.Size([2, 3, 4])
"""
import torch

from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.layer import Layer
from lamina.layers.regularization.dropout import SeededNoise, check_rate

_SCORE_MODES = ("dot", "concat")


def large_negative(dtype):
    """The additive mask value Keras uses for masked scores (-1e9, or float16's most negative normal)."""
    return -65504.0 if dtype == torch.float16 else -1.0e9


def causal_mask(query_length, key_length, device):
    """``(1, Tq, Tk)`` bool: position ``i`` may attend to ``j <= i``.

    Example:
        >>> causal_mask(3, 3, "cpu").int().tolist()
        [[[1, 0, 0], [1, 1, 0], [1, 1, 1]]]
    """
    rows = torch.arange(query_length, device=device)[:, None]
    cols = torch.arange(key_length, device=device)[None, :]
    return (rows >= cols).unsqueeze(0)


@registry.register()
class Attention(Layer):
    """Dot-product attention: ``softmax(query @ key^T) @ value`` (Luong et al., 2015).

    Args:
        use_scale: learn a scalar that multiplies the scores.
        score_mode: ``'dot'`` (``query @ key^T``) or ``'concat'``
            (``sum(tanh(query + key))``, times a learned scalar).
        dropout: fraction of the attention weights dropped in training.
        seed: seed of the dropout.

    Call arguments: ``inputs`` ``[query (B, Tq, dim), value (B, Tv, dim)]`` or with ``key``
    as a third entry (``value`` is used as key otherwise); ``mask`` ``[query_mask (B, Tq),
    value_mask (B, Tv)]`` (taken from the inputs' masks when omitted); ``return_attention_scores``;
    ``use_causal_mask`` (position ``i`` attends only to ``j <= i``); ``training``.

    Example:
        >>> out, scores = Attention()([torch.ones(1, 2, 3), torch.ones(1, 4, 3)], return_attention_scores=True)
        >>> out.shape, scores.shape
        (torch.Size([1, 2, 3]), torch.Size([1, 2, 4]))
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in _SCORE_MODES:
            raise ValueError(f"{self._label}: unknown score_mode {score_mode!r}; valid modes are 'dot' and 'concat'")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = check_rate(dropout, f"{self._label} (dropout)")
        self.seed = seed
        self._noise = SeededNoise(seed)
        self.supports_masking = True

    def _validate(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{self._label} must be called on a list [query, value] or [query, value, key]; "
                f"received {type(inputs).__name__}"
                + (f" of length {len(inputs)}" if isinstance(inputs, (list, tuple)) else "")
            )
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(f"{self._label}: mask must be a list [query_mask, value_mask]; received {mask!r}")

    def build(self, input_shape):
        self._validate(input_shape)
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale") if self.use_scale else None
        self.concat_score_weight = (self.add_weight(shape=(), initializer="ones", name="concat_score_weight")
                                    if self.score_mode == "concat" else None)
        self.built = True

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = torch.matmul(query, key.transpose(-2, -1))
            return scores * self.scale if self.scale is not None else scores
        summed = query.unsqueeze(-2) + key.unsqueeze(-3)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * torch.tanh(summed).sum(-1)

    def call(self, inputs, mask=None, training=None, return_attention_scores=False, use_causal_mask=False):
        self._validate(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask is not None else None
        value_mask = mask[1] if mask is not None else None
        scores = self._calculate_scores(query, key)
        keep = None if value_mask is None else value_mask.bool().unsqueeze(-2)
        if use_causal_mask:
            causal = causal_mask(scores.shape[-2], scores.shape[-1], scores.device)
            keep = causal if keep is None else keep & causal
        if keep is not None:
            scores = torch.where(keep, scores, scores + large_negative(scores.dtype))
        weights = torch.softmax(scores, dim=-1)
        if training and self.dropout > 0 and not in_symbolic_scope():
            keep_weights = torch.empty_like(weights).bernoulli_(1 - self.dropout,
                                                                generator=self._noise.generator(weights.device))
            weights = weights * keep_weights / (1 - self.dropout)
        output = torch.matmul(weights, value)
        if query_mask is not None:
            output = output * query_mask.unsqueeze(-1).to(output.dtype)
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None or not isinstance(previous_mask, (list, tuple)) or previous_mask[0] is None:
            return None
        return previous_mask[0]

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode, "dropout": self.dropout,
                       "seed": self.seed})
        return config
