"""ConvLSTM1D/2D against Keras 3 (weights copied): outputs, states, padding, strides, masks, directions."""
import numpy as np
import pytest
import torch

from lamina import layers

from rnn_reference import assert_close_outputs, masks


def _pair(keras, cls, input_shape, **kwargs):
    theirs = getattr(keras.layers, cls)(**kwargs)
    ours = getattr(layers, cls)(**kwargs)
    theirs.build(input_shape)
    ours.build(input_shape)
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    rng = np.random.RandomState(1)
    weights = [w + 0.1 * rng.randn(*w.shape).astype("float32") for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


@pytest.mark.parametrize("cls,shape,kwargs", [
    ("ConvLSTM1D", (3, 4, 9, 2), {"filters": 3, "kernel_size": 3}),
    ("ConvLSTM1D", (3, 4, 9, 2), {"filters": 2, "kernel_size": 2, "strides": 2, "padding": "same"}),
    ("ConvLSTM2D", (2, 3, 6, 5, 2), {"filters": 3, "kernel_size": (3, 2), "padding": "same"}),
    ("ConvLSTM2D", (2, 3, 6, 5, 2), {"filters": 2, "kernel_size": 3, "dilation_rate": 2}),
])
def test_conv_lstm_matches_keras(keras, cls, shape, kwargs):
    x = np.random.RandomState(0).randn(*shape).astype("float32")
    for go_backwards in (False, True):
        ours, theirs = _pair(keras, cls, (None,) + shape[1:], return_sequences=True, return_state=True,
                             go_backwards=go_backwards, **kwargs)
        expected = [keras.ops.convert_to_numpy(t) for t in theirs(x)]
        assert_close_outputs(ours(torch.as_tensor(x)), expected)
    mask = masks(shape[0], shape[1], "holes")
    expected = [keras.ops.convert_to_numpy(t) for t in theirs(x, mask=mask)]
    assert_close_outputs(ours(torch.as_tensor(x), mask=torch.as_tensor(mask)), expected)


def test_conv_lstm_dropout_symbolic_and_config(keras):
    ours, theirs = _pair(keras, "ConvLSTM2D", (None, 3, 5, 5, 2), filters=2, kernel_size=3, dropout=0.3,
                         recurrent_dropout=0.3)
    x = np.random.RandomState(2).randn(2, 3, 5, 5, 2).astype("float32")
    assert_close_outputs(ours(torch.as_tensor(x)), keras.ops.convert_to_numpy(theirs(x)))
    a, b = ours(torch.as_tensor(x), training=True), ours(torch.as_tensor(x), training=True)
    assert not torch.allclose(a, b)
    out = layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)(layers.Input((None, 8, 8, 1)))
    assert out.shape == (None, None, 8, 8, 4)
    clone = layers.ConvLSTM2D.from_config(ours.get_config())
    assert (clone.cell.filters, clone.cell.kernel_size, clone.cell.dropout) == (2, (3, 3), 0.3)
    with pytest.raises(ValueError, match=r"expects inputs with exactly 5 dimensions \(batch, time, spatial, "
                                         r"spatial, channels\)"):
        layers.ConvLSTM2D(2, 3)(torch.ones(2, 3, 4, 4))
