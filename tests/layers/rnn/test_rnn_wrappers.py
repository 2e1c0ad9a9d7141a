"""RNN(custom cell), StackedRNNCells, Bidirectional, TimeDistributed and Masking against Keras 3."""
import numpy as np
import pytest
import torch

from lamina import layers

from rnn_reference import assert_close_outputs, masks, outputs_list

BATCH, STEPS, FEATURES, UNITS = 4, 6, 3, 5


def _x(seed=0):
    return np.random.RandomState(seed).randn(BATCH, STEPS, FEATURES).astype("float32")


def _numpy(keras, out):
    return [keras.ops.convert_to_numpy(o) for o in out] if isinstance(out, (list, tuple)) \
        else keras.ops.convert_to_numpy(out)


def _flat(out):
    flat = []
    for item in out if isinstance(out, (list, tuple)) else [out]:
        flat.extend(_flat(item) if isinstance(item, (list, tuple)) else [item])
    return flat


# -- custom cells -----------------------------------------------------------------------------

def _minimal_cell(base, matmul):
    class MinimalRNNCell(base):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            output = matmul(inputs, self.kernel) + matmul(states[0], self.recurrent_kernel)
            return output, [output]

    return MinimalRNNCell


@pytest.mark.parametrize("mask_kind", [None, "holes"])
def test_custom_cell_matches_keras(keras, mask_kind):
    theirs = keras.layers.RNN(_minimal_cell(keras.layers.Layer, keras.ops.matmul)(UNITS), return_sequences=True,
                              return_state=True, go_backwards=True)
    ours = layers.RNN(_minimal_cell(layers.Layer, torch.matmul)(UNITS), return_sequences=True, return_state=True,
                      go_backwards=True)
    theirs.build((None, STEPS, FEATURES))
    ours.build((None, STEPS, FEATURES))
    ours.set_weights(theirs.get_weights())
    x = _x()
    mask = None if mask_kind is None else masks(BATCH, STEPS, mask_kind)
    expected = theirs(x, mask=mask)
    got = ours(torch.as_tensor(x), mask=None if mask is None else torch.as_tensor(mask))
    assert_close_outputs(got, _numpy(keras, expected))


def test_stacked_cells_match_keras(keras):
    theirs = keras.layers.RNN([keras.layers.LSTMCell(UNITS), keras.layers.GRUCell(3)], return_sequences=True,
                              return_state=True)
    ours = layers.RNN([layers.LSTMCell(UNITS), layers.GRUCell(3)], return_sequences=True, return_state=True)
    theirs.build((None, STEPS, FEATURES))
    ours.build((None, STEPS, FEATURES))
    assert isinstance(ours.cell, layers.StackedRNNCells)
    ours.set_weights(theirs.get_weights())
    x = _x()
    mask = masks(BATCH, STEPS, "right")
    expected = _flat(_numpy(keras, _flat(theirs(x, mask=mask))))
    got = _flat(ours(torch.as_tensor(x), mask=torch.as_tensor(mask)))
    assert_close_outputs(got, expected)
    symbolic = ours(layers.Input((None, FEATURES)))
    assert [t.shape for t in _flat(symbolic)] == [(None, None, 3), (None, UNITS), (None, UNITS), (None, 3)]


def test_cell_api_is_checked():
    class NoState:
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ValueError, match="`state_size`"):
        layers.RNN(NoState())


def test_rnn_config_round_trip_with_cell():
    layer = layers.RNN(layers.StackedRNNCells([layers.SimpleRNNCell(2), layers.GRUCell(3)]), return_sequences=True)
    clone = layers.RNN.from_config(layer.get_config())
    assert clone.cell.state_size == [2, 3] and clone.return_sequences
    assert clone(torch.ones(1, 4, 2)).shape == (1, 4, 3)


# -- Bidirectional --------------------------------------------------------------------------------

def _bidirectional_pair(keras, inner, merge_mode, **kwargs):
    theirs = keras.layers.Bidirectional(getattr(keras.layers, inner)(UNITS, **kwargs), merge_mode=merge_mode)
    ours = layers.Bidirectional(getattr(layers, inner)(UNITS, **kwargs), merge_mode=merge_mode)
    theirs.build((None, STEPS, FEATURES))
    ours.build((None, STEPS, FEATURES))
    ours.set_weights(theirs.get_weights())
    return ours, theirs


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("inner", ["LSTM", "GRU"])
def test_bidirectional_matches_keras_in_every_merge_mode(keras, merge_mode, inner):
    x = _x()
    mask = masks(BATCH, STEPS, "right")
    for return_sequences in (False, True):
        for return_state in (False, True):
            ours, theirs = _bidirectional_pair(keras, inner, merge_mode, return_sequences=return_sequences,
                                               return_state=return_state)
            for m in (None, mask):
                expected = _numpy(keras, theirs(x, mask=m))
                got = ours(torch.as_tensor(x), mask=None if m is None else torch.as_tensor(m))
                assert_close_outputs(got, expected)


def test_bidirectional_initial_state_and_symbolic_shapes(keras):
    ours, theirs = _bidirectional_pair(keras, "LSTM", "concat", return_state=True)
    states = [np.random.RandomState(i).randn(BATCH, UNITS).astype("float32") for i in range(4)]
    expected = _numpy(keras, theirs(_x(), initial_state=states))
    got = ours(torch.as_tensor(_x()), initial_state=[torch.as_tensor(s) for s in states])
    assert_close_outputs(got, expected)
    outputs = ours(layers.Input((None, FEATURES)))
    assert [o.shape for o in outputs] == [(None, 2 * UNITS)] + [(None, UNITS)] * 4


def test_bidirectional_halves_are_forward_and_reversed_layers():
    bi = layers.Bidirectional(layers.LSTM(UNITS))
    x = torch.as_tensor(_x())
    both = bi(x)
    forward, backward = layers.LSTM(UNITS), layers.LSTM(UNITS)
    forward.build((None, STEPS, FEATURES))
    backward.build((None, STEPS, FEATURES))
    forward.set_weights(bi.get_weights()[:3])
    backward.set_weights(bi.get_weights()[3:])
    torch.testing.assert_close(both[:, :UNITS], forward(x))
    torch.testing.assert_close(both[:, UNITS:], backward(x.flip(1)))
    assert [layer.name for layer in (bi.forward_layer, bi.backward_layer)] == ["forward_lstm", "backward_lstm"]


def test_bidirectional_errors_name_the_problem():
    with pytest.raises(ValueError, match="unknown merge_mode 'max'; valid modes are 'concat', 'sum'"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="must agree on return_state; the forward layer has return_state=True, the "
                                         "backward layer return_state=False"):
        layers.Bidirectional(layers.LSTM(2, return_state=True), backward_layer=layers.LSTM(2, go_backwards=True))
    with pytest.raises(ValueError, match="must differ in go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    bi = layers.Bidirectional(layers.LSTM(2, return_state=True), merge_mode="sum",
                              backward_layer=layers.LSTM(3, go_backwards=True, return_state=True))
    with pytest.raises(ValueError, match="merge_mode='sum' combines the two directions element-wise, but the forward "
                                         "layer outputs 2 features and the backward layer 3"):
        bi(torch.ones(1, 4, 2))
    with pytest.raises(ValueError, match="must be a recurrent layer"):
        layers.Bidirectional(layers.Dense(2))


def test_bidirectional_config_round_trip():
    bi = layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode="ave")
    clone = layers.Bidirectional.from_config(bi.get_config())
    assert clone.merge_mode == "ave" and clone.backward_layer.go_backwards and clone.return_sequences
    assert clone(torch.ones(2, 4, 1)).shape == (2, 4, 3)


# -- TimeDistributed and Masking --------------------------------------------------------------------

def test_time_distributed_dense_matches_keras(keras):
    theirs = keras.layers.TimeDistributed(keras.layers.Dense(UNITS))
    ours = layers.TimeDistributed(layers.Dense(UNITS))
    theirs.build((None, STEPS, FEATURES))
    ours.build((None, STEPS, FEATURES))
    ours.set_weights(theirs.get_weights())
    assert_close_outputs(ours(torch.as_tensor(_x())), _numpy(keras, theirs(_x())))
    assert ours(layers.Input((STEPS, FEATURES))).shape == (None, STEPS, UNITS)


def test_masking_matches_keras_and_feeds_the_rnn(keras):
    x = _x()
    x[:, 4:] = 0.0
    x[1, 2] = 0.0
    theirs, ours = keras.layers.Masking(), layers.Masking()
    expected = theirs(x)
    got = ours(torch.as_tensor(x))
    assert_close_outputs(got, keras.ops.convert_to_numpy(expected))
    np.testing.assert_array_equal(got._keras_mask.numpy(), keras.ops.convert_to_numpy(theirs.compute_mask(x)))
    lstm = layers.LSTM(UNITS)
    np.testing.assert_allclose(lstm(got).detach().numpy(), lstm(torch.as_tensor(x), mask=got._keras_mask).detach()
                               .numpy())
    cut = lstm(torch.as_tensor(x[:, :4]))
    assert not np.allclose(outputs_list(lstm(got))[0][0], outputs_list(lstm(torch.as_tensor(x)))[0][0])
    np.testing.assert_allclose(lstm(got).detach().numpy()[0], cut.detach().numpy()[0], atol=1e-6)


def test_keras_configs_load(keras):
    init = {"kernel_initializer": "zeros", "recurrent_initializer": "orthogonal"}
    theirs = [
        keras.layers.LSTM(4, return_sequences=True, dropout=0.1, **init),
        keras.layers.GRU(3, reset_after=False, go_backwards=True, **init),
        keras.layers.Bidirectional(keras.layers.SimpleRNN(2, **init), merge_mode="sum"),
        keras.layers.ConvLSTM2D(2, 3, padding="same", **init),
        keras.layers.Embedding(10, 3, mask_zero=True, embeddings_initializer="zeros"),
    ]
    for layer in theirs:
        ours = layers.deserialize({"class_name": type(layer).__name__, "config": layer.get_config()})
        assert type(ours).__name__ == type(layer).__name__
        for key in ("units", "return_sequences", "go_backwards", "reset_after", "mask_zero", "merge_mode"):
            if hasattr(layer, key):
                assert getattr(ours, key) == getattr(layer, key), key
