"""Attention, AdditiveAttention and MultiHeadAttention against Keras 3 (weights copied, masks, scores, causal)."""
import numpy as np
import pytest
import torch

from lamina import layers

B, TQ, TV, DIM = 3, 4, 6, 5


def _data(seed=0, *shapes):
    rng = np.random.RandomState(seed)
    return [rng.randn(*shape).astype("float32") for shape in shapes]


def _np(keras, x):
    return [keras.ops.convert_to_numpy(t) for t in x] if isinstance(x, (list, tuple)) else keras.ops.convert_to_numpy(x)


def _close(ours, theirs, atol=1e-5):
    ours = ours if isinstance(ours, (list, tuple)) else [ours]
    theirs = theirs if isinstance(theirs, (list, tuple)) else [theirs]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.detach().numpy(), b, atol=atol, rtol=1e-5)


def _masks(seed=1):
    rng = np.random.RandomState(seed)
    q_mask = rng.rand(B, TQ) > 0.3
    v_mask = rng.rand(B, TV) > 0.3
    q_mask[:, 0] = v_mask[:, 0] = True
    return q_mask, v_mask


@pytest.mark.parametrize("cls,kwargs", [
    ("Attention", {}), ("Attention", {"use_scale": True}), ("Attention", {"score_mode": "concat", "use_scale": True}),
    ("AdditiveAttention", {}), ("AdditiveAttention", {"use_scale": False}),
])
@pytest.mark.parametrize("with_key", [False, True])
def test_attention_matches_keras(keras, cls, kwargs, with_key):
    q, v, k = _data(0, (B, TQ, DIM), (B, TV, DIM), (B, TV, DIM))
    theirs, ours = getattr(keras.layers, cls)(**kwargs), getattr(layers, cls)(**kwargs)
    inputs = [q, v, k] if with_key else [q, v]
    theirs(inputs)
    ours([torch.as_tensor(t) for t in inputs])
    weights = theirs.get_weights()
    if weights:  # Keras initialises the scalars to 1: perturb them so the test sees them
        weights = [w + 0.3 for w in weights]
        theirs.set_weights(weights)
    ours.set_weights(weights)
    q_mask, v_mask = _masks()
    for mask in (None, [q_mask, v_mask]):
        for causal in (False, True):
            expected = theirs(inputs, mask=mask, return_attention_scores=True, use_causal_mask=causal)
            got = ours([torch.as_tensor(t) for t in inputs],
                       mask=None if mask is None else [torch.as_tensor(m) for m in mask],
                       return_attention_scores=True, use_causal_mask=causal)
            _close(got, _np(keras, expected))


def test_attention_reads_masks_from_inputs_and_passes_the_query_mask():
    embedding = layers.Embedding(10, DIM, mask_zero=True)
    ids = torch.tensor([[1, 2, 0, 0], [3, 0, 0, 0]])
    x = embedding(ids)
    out = layers.Attention()([x, x])
    explicit = layers.Attention()([x.detach().clone(), x.detach().clone()], mask=[ids != 0, ids != 0])
    torch.testing.assert_close(out, explicit)
    assert torch.equal(out._keras_mask, ids != 0)
    assert torch.all(out[ids == 0] == 0)


def test_attention_errors():
    with pytest.raises(ValueError, match="must be called on a list \\[query, value\\]"):
        layers.Attention()(torch.ones(1, 2, 3))
    with pytest.raises(ValueError, match="unknown score_mode 'cosine'"):
        layers.Attention(score_mode="cosine")


def _mha_pair(keras, query_shape, value_shape, **kwargs):
    theirs = keras.layers.MultiHeadAttention(**kwargs)
    ours = layers.MultiHeadAttention(**kwargs)
    theirs.build(query_shape, value_shape)
    ours.build(query_shape, value_shape)
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    rng = np.random.RandomState(4)
    weights = [w + 0.1 * rng.randn(*w.shape).astype("float32") for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


@pytest.mark.parametrize("kwargs", [
    {"num_heads": 2, "key_dim": 3},
    {"num_heads": 3, "key_dim": 2, "value_dim": 4, "output_shape": 7},
    {"num_heads": 1, "key_dim": 4, "use_bias": False},
])
def test_multi_head_attention_matches_keras(keras, kwargs):
    q, v = _data(2, (B, TQ, DIM), (B, TV, DIM + 1))
    ours, theirs = _mha_pair(keras, (None, TQ, DIM), (None, TV, DIM + 1), **kwargs)
    rng = np.random.RandomState(5)
    attention_mask = rng.rand(B, TQ, TV) > 0.3
    for mask in (None, attention_mask):
        for scores in (False, True):
            expected = theirs(q, v, attention_mask=mask, return_attention_scores=scores)
            got = ours(torch.as_tensor(q), torch.as_tensor(v),
                       attention_mask=None if mask is None else torch.as_tensor(mask), return_attention_scores=scores)
            _close(got, _np(keras, expected))


def test_multi_head_self_attention_with_keras_masks_and_causality(keras):
    x, = _data(3, (B, TQ, DIM))
    ours, theirs = _mha_pair(keras, (None, TQ, DIM), (None, TQ, DIM), num_heads=2, key_dim=3)
    q_mask, _ = _masks()
    for causal in (False, True):
        for scores in (False, True):
            # masks travel as Keras masks on the tensors (an Embedding(mask_zero=True) upstream)
            theirs_x = keras.ops.convert_to_tensor(x)
            theirs_x._keras_mask = keras.ops.convert_to_tensor(q_mask)
            expected = theirs(theirs_x, theirs_x, use_causal_mask=causal, return_attention_scores=scores)
            ours_x = torch.as_tensor(x)
            ours_x._keras_mask = torch.as_tensor(q_mask)
            got = ours(ours_x, ours_x, use_causal_mask=causal, return_attention_scores=scores)
            _close(got, _np(keras, expected))
            # explicit query_mask/value_mask arguments mean the same
            explicit = ours(torch.as_tensor(x), torch.as_tensor(x), query_mask=torch.as_tensor(q_mask),
                            value_mask=torch.as_tensor(q_mask), use_causal_mask=causal, return_attention_scores=scores)
            _close(explicit, _np(keras, expected))
    out = ours(ours_x, ours_x)
    assert torch.equal(out._keras_mask, torch.as_tensor(q_mask))


def test_multi_head_attention_over_two_axes_matches_keras(keras):
    x, = _data(6, (2, 3, 4, DIM))
    ours, theirs = _mha_pair(keras, (None, 3, 4, DIM), (None, 3, 4, DIM), num_heads=2, key_dim=3,
                             attention_axes=(1, 2))
    mask = np.random.RandomState(7).rand(2, 3, 4, 3, 4) > 0.3
    for m in (None, mask):
        expected = theirs(x, x, attention_mask=m, return_attention_scores=True)
        got = ours(torch.as_tensor(x), torch.as_tensor(x), attention_mask=None if m is None else torch.as_tensor(m),
                   return_attention_scores=True)
        _close(got, _np(keras, expected))
    ours, theirs = _mha_pair(keras, (None, 3, 4, DIM), (None, 3, 4, DIM), num_heads=2, key_dim=3)
    _close(ours(torch.as_tensor(x), torch.as_tensor(x)), _np(keras, theirs(x, x)))


def test_multi_head_attention_dropout_symbolic_and_config():
    layer = layers.MultiHeadAttention(2, 4, dropout=0.5, name="mha")
    x = torch.ones(2, 3, 8) + torch.arange(3.0)[None, :, None]
    torch.manual_seed(0)
    a, b = layer(x, x, training=True), layer(x, x, training=True)
    assert not torch.allclose(a, b)
    torch.testing.assert_close(layer(x, x), layer(x, x, training=False))
    out, scores = layer(layers.Input((None, 8)), layers.Input((5, 8)), return_attention_scores=True)
    assert out.shape == (None, None, 8) and scores.shape == (None, 2, None, 5)
    clone = layers.MultiHeadAttention.from_config(layer.get_config())
    assert (clone.num_heads, clone.key_dim, clone.value_dim, clone.dropout) == (2, 4, 4, 0.5)
    with pytest.raises(ValueError, match="num_heads must be a positive integer; received num_heads=0"):
        layers.MultiHeadAttention(0, 4)
