"""The Transformer pieces the book builds from Keras layers: positional embedding, encoder, decoder.

These are user code, not library layers (Keras has no ``TransformerEncoder`` layer either):
subclasses of :class:`lamina.layers.Layer` made of ``Embedding``, ``MultiHeadAttention``,
``LayerNormalization`` and ``Dense``, written the way the book's text-classification
and translation chapters write them. Import them or copy them into your own code.

Example:
    >>> tokens = torch.tensor([[4, 8, 15, 0, 0]])  # 0 is padding
    >>> embedded = PositionalEmbedding(sequence_length=5, input_dim=20, output_dim=8)(tokens)
    >>> encoded = TransformerEncoder(embed_dim=8, dense_dim=16, num_heads=2)(embedded)
    >>> encoded.shape, encoded._keras_mask.tolist()
    (torch.Size([1, 5, 8]), [[True, True, True, False, False]])
"""
import torch

import lamina
from lamina import layers


class PositionalEmbedding(layers.Layer):
    """Token embedding plus a learned embedding of each position; index 0 is padding (masked).

    Example:
        >>> PositionalEmbedding(10, 100, 4)(torch.tensor([[5, 6, 0]]))._keras_mask.tolist()
        [[True, True, False]]
    """

    def __init__(self, sequence_length, input_dim, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.sequence_length, self.input_dim, self.output_dim = sequence_length, input_dim, output_dim
        self.token_embeddings = layers.Embedding(input_dim=input_dim, output_dim=output_dim)
        self.position_embeddings = layers.Embedding(input_dim=sequence_length, output_dim=output_dim)

    def call(self, inputs):
        positions = torch.arange(inputs.shape[-1], device=inputs.device)
        return self.token_embeddings(inputs) + self.position_embeddings(positions)

    def compute_mask(self, inputs, previous_mask=None):
        return inputs != 0

    def get_config(self):
        config = super().get_config()
        config.update({"sequence_length": self.sequence_length, "input_dim": self.input_dim,
                       "output_dim": self.output_dim})
        return config


class TransformerEncoder(layers.Layer):
    """Self-attention, then a position-wise feed-forward network, each with a residual and LayerNormalization.

    Padding positions (the incoming mask) are never attended to.

    Example:
        >>> TransformerEncoder(embed_dim=4, dense_dim=8, num_heads=2)(torch.ones(2, 3, 4)).shape
        torch.Size([2, 3, 4])
    """

    def __init__(self, embed_dim, dense_dim, num_heads, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.dense_dim, self.num_heads = embed_dim, dense_dim, num_heads
        self.attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.dense_proj = lamina.Sequential([layers.Dense(dense_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm_1 = layers.LayerNormalization()
        self.layernorm_2 = layers.LayerNormalization()
        self.supports_masking = True

    def call(self, inputs, mask=None):
        attention_mask = mask[:, None, :] if mask is not None else None
        attention_output = self.attention(inputs, inputs, attention_mask=attention_mask)
        projected_input = self.layernorm_1(inputs + attention_output)
        return self.layernorm_2(projected_input + self.dense_proj(projected_input))

    def get_config(self):
        config = super().get_config()
        config.update({"embed_dim": self.embed_dim, "dense_dim": self.dense_dim, "num_heads": self.num_heads})
        return config


class TransformerDecoder(layers.Layer):
    """Causal self-attention over the target, attention over the encoder's outputs, then a feed-forward network.

    Position ``t`` of the target only sees positions ``<= t`` (``use_causal_mask=True``); padded
    source positions (the encoder outputs' mask) are never attended to.

    Example:
        >>> decoder = TransformerDecoder(embed_dim=4, dense_dim=8, num_heads=2)
        >>> decoder(torch.ones(2, 3, 4), torch.ones(2, 5, 4)).shape
        torch.Size([2, 3, 4])
    """

    def __init__(self, embed_dim, dense_dim, num_heads, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.dense_dim, self.num_heads = embed_dim, dense_dim, num_heads
        self.attention_1 = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.attention_2 = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.dense_proj = lamina.Sequential([layers.Dense(dense_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm_1 = layers.LayerNormalization()
        self.layernorm_2 = layers.LayerNormalization()
        self.layernorm_3 = layers.LayerNormalization()
        self.supports_masking = True

    def call(self, inputs, encoder_outputs, mask=None):
        attention_output_1 = self.attention_1(query=inputs, value=inputs, key=inputs, use_causal_mask=True)
        attention_output_1 = self.layernorm_1(inputs + attention_output_1)
        attention_output_2 = self.attention_2(query=attention_output_1, value=encoder_outputs, key=encoder_outputs)
        attention_output_2 = self.layernorm_2(attention_output_1 + attention_output_2)
        return self.layernorm_3(attention_output_2 + self.dense_proj(attention_output_2))

    def get_config(self):
        config = super().get_config()
        config.update({"embed_dim": self.embed_dim, "dense_dim": self.dense_dim, "num_heads": self.num_heads})
        return config
