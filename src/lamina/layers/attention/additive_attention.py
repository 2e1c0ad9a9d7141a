"""``AdditiveAttention``: Bahdanau-style attention, scores ``sum(scale * tanh(query + key))``.

Example:
    >>> AdditiveAttention()([torch.ones(2, 3, 4), torch.ones(2, 5, 4)]).shape
    torch.Size([2, 3, 4])
"""
import torch

from lamina.core import registry
from lamina.layers.attention.attention import Attention


@registry.register()
class AdditiveAttention(Attention):
    """Additive attention (Bahdanau et al., 2015): ``scores[i, j] = sum(scale * tanh(query[i] + key[j]))``.

    Args:
        use_scale: learn a per-feature ``scale`` vector (default ``True``).
        dropout: fraction of the attention weights dropped in training.

    Call arguments as :class:`Attention`.

    Example:
        >>> layer = AdditiveAttention()
        >>> _ = layer([torch.ones(1, 2, 3), torch.ones(1, 4, 3)]); tuple(layer.scale.shape)
        (3,)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate(input_shape)
        self.concat_score_weight = None
        self.scale = (self.add_weight(shape=(input_shape[0][-1],), initializer="glorot_uniform", name="scale")
                      if self.use_scale else None)
        self.built = True

    def _calculate_scores(self, query, key):
        summed = torch.tanh(query.unsqueeze(-2) + key.unsqueeze(-3))
        if self.scale is not None:
            summed = summed * self.scale
        return summed.sum(-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
