"""The book's Transformer pieces: masking, causality, and a small classifier that learns."""
import numpy as np
import torch

import lamina
from lamina import layers
from lamina.examples.transformer import PositionalEmbedding, TransformerDecoder, TransformerEncoder


def test_encoder_ignores_padding():
    torch.manual_seed(0)
    embedding = PositionalEmbedding(sequence_length=8, input_dim=30, output_dim=8)
    encoder = TransformerEncoder(embed_dim=8, dense_dim=16, num_heads=2)
    short = torch.tensor([[5, 9, 2, 0, 0, 0]])
    longer = torch.tensor([[5, 9, 2, 0, 0, 0, 0, 0]])
    a, b = encoder(embedding(short)), encoder(embedding(longer))
    torch.testing.assert_close(a[:, :3], b[:, :3])
    other = torch.tensor([[5, 9, 2, 0, 0, 0]])
    other_embedded = embedding(other).detach().clone()
    other_embedded[:, 3:] += 7.0  # what sits under the padding must not matter
    other_embedded._keras_mask = other != 0
    torch.testing.assert_close(encoder(other_embedded)[:, :3], a[:, :3])


def test_decoder_is_causal_and_reads_the_encoder():
    torch.manual_seed(0)
    decoder = TransformerDecoder(embed_dim=8, dense_dim=16, num_heads=2)
    target, source = torch.randn(2, 5, 8), torch.randn(2, 6, 8)
    out = decoder(target, source)
    changed = target.clone()
    changed[:, 3:] += 1.0
    torch.testing.assert_close(decoder(changed, source)[:, :3], out[:, :3])
    assert not torch.allclose(decoder(target, source + 1.0), out)


def test_transformer_text_classifier_learns():
    lamina.utils.set_random_seed(0)
    rng = np.random.RandomState(0)
    x = rng.randint(3, 20, size=(256, 10))
    x[:, 7:] = 0
    y = (x == 4).any(axis=1).astype("float32")[:, None]
    inputs = layers.Input((10,), dtype="int64")
    h = PositionalEmbedding(10, 20, 16)(inputs)
    h = TransformerEncoder(16, 32, 2)(h)
    h = layers.Lambda(lambda t: t.max(dim=1).values)(h)
    outputs = layers.Dense(1, activation="sigmoid")(h)
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=6, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.8
