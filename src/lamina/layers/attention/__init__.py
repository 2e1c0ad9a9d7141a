"""Attention layers: ``Attention``, ``AdditiveAttention``, ``MultiHeadAttention``.

Example:
    >>> from lamina.layers.attention import MultiHeadAttention
    >>> MultiHeadAttention(2, 4)(torch.ones(1, 3, 8), torch.ones(1, 3, 8)).shape
    torch.Size([1, 3, 8])
"""
import torch  # noqa: F401  (used by the examples)

from lamina.layers.attention.additive_attention import AdditiveAttention
from lamina.layers.attention.attention import Attention
from lamina.layers.attention.multi_head_attention import MultiHeadAttention
