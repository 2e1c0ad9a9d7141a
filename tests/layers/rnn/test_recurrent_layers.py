"""SimpleRNN, LSTM and GRU against Keras 3 (torch backend), on the fused kernel and on the step loop."""
import numpy as np
import pytest
import torch

from lamina import layers
from lamina.layers.rnn import fused

from rnn_reference import assert_close_outputs, masks

BATCH, STEPS, FEATURES, UNITS = 5, 7, 3, 4
KINDS = {
    "simple_rnn": ("SimpleRNN", {}),
    "lstm": ("LSTM", {}),
    "gru": ("GRU", {}),
    "gru_reset_before": ("GRU", {"reset_after": False}),
}


def _inputs(seed=0):
    return np.random.RandomState(seed).randn(BATCH, STEPS, FEATURES).astype("float32")


def _pair(keras, kind, path="auto", batch=None, **kwargs):
    class_name, extra = KINDS[kind]
    kwargs = {**extra, **kwargs}
    theirs = getattr(keras.layers, class_name)(UNITS, **kwargs)
    if class_name != "SimpleRNN":
        kwargs["use_cudnn"] = path
    ours = getattr(layers, class_name)(UNITS, **kwargs)
    theirs.build((batch, STEPS, FEATURES))
    ours.build((batch, STEPS, FEATURES))
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def _run_both(keras, ours, theirs, x, mask=None, **call_kwargs):
    keras_kwargs = dict(call_kwargs)
    our_kwargs = {k: ([torch.as_tensor(s) for s in v] if k == "initial_state" else v) for k, v in call_kwargs.items()}
    if mask is not None:
        keras_kwargs["mask"] = mask
        our_kwargs["mask"] = torch.as_tensor(mask)
    expected = theirs(x, **keras_kwargs)
    expected = [keras.ops.convert_to_numpy(e) for e in expected] if isinstance(expected, (list, tuple)) \
        else keras.ops.convert_to_numpy(expected)
    return ours(torch.as_tensor(x), **our_kwargs), expected


# SimpleRNN has one path (no fused kernel); LSTM/GRU run both: 'auto' (fused) and False (step loop)
PATHS = [(kind, path) for kind in KINDS for path in ("auto", False) if not (kind == "simple_rnn" and path is False)]


@pytest.mark.parametrize("kind,path", PATHS)
@pytest.mark.parametrize("mask_kind", [None, "right", "left", "holes", "with_empty"])
def test_matches_keras_with_masks_directions_and_states(keras, kind, path, mask_kind):
    x = _inputs()
    mask = None if mask_kind is None else masks(BATCH, STEPS, mask_kind)
    for go_backwards in (False, True):
        for return_sequences in (False, True):
            ours, theirs = _pair(keras, kind, path, go_backwards=go_backwards, return_sequences=return_sequences,
                                 return_state=True)
            got, expected = _run_both(keras, ours, theirs, x, mask)
            assert_close_outputs(got, expected)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("mask_kind", [None, "right", "left"])
def test_fused_kernel_is_used_for_contiguous_masks(monkeypatch, kind, mask_kind):
    calls = []
    original = fused._run

    def spy(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(fused, "_run", spy)
    layer = layers.LSTM(UNITS) if kind == "lstm" else layers.GRU(UNITS)
    mask = None if mask_kind is None else torch.as_tensor(masks(BATCH, STEPS, mask_kind))
    layer(torch.as_tensor(_inputs()), mask=mask)
    assert calls == [True]


def test_scattered_masks_fall_back_to_the_loop(monkeypatch):
    layer = layers.LSTM(UNITS)
    outcomes = []
    original = fused._run
    monkeypatch.setattr(fused, "_run", lambda *a, **k: outcomes.append(original(*a, **k)) or outcomes[-1])
    layer(torch.as_tensor(_inputs()), mask=torch.as_tensor(masks(BATCH, STEPS, "holes")))
    assert outcomes == [None]


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_fused_and_loop_gradients_agree(kind):
    x = torch.as_tensor(_inputs())
    mask = torch.as_tensor(masks(BATCH, STEPS, "right"))
    grads = []
    for path in ("auto", False):
        torch.manual_seed(0)
        layer = (layers.LSTM if kind == "lstm" else layers.GRU)(UNITS, return_sequences=True, use_cudnn=path)
        layer.build((None, STEPS, FEATURES))
        if grads:
            layer.set_weights(weights)
        weights = layer.get_weights()
        xs = x.clone().requires_grad_(True)
        layer(xs, mask=mask).square().sum().backward()
        grads.append([w.grad.clone() for w in layer.trainable_weights] + [xs.grad])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("kind", list(KINDS))
def test_initial_state_matches_keras(keras, kind):
    ours, theirs = _pair(keras, kind, return_sequences=True, return_state=True)
    rng = np.random.RandomState(3)
    count = 2 if kind == "lstm" else 1
    states = [rng.randn(BATCH, UNITS).astype("float32") for _ in range(count)]
    got, expected = _run_both(keras, ours, theirs, _inputs(), initial_state=states)
    assert_close_outputs(got, expected)


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple_rnn"])
def test_stateful_batches_match_keras(keras, kind):
    ours, theirs = _pair(keras, kind, batch=BATCH, stateful=True, return_sequences=True)
    for seed in range(3):
        got, expected = _run_both(keras, ours, theirs, _inputs(seed))
        assert_close_outputs(got, expected)
    ours.reset_states()
    theirs.reset_states()
    got, expected = _run_both(keras, ours, theirs, _inputs(7))
    assert_close_outputs(got, expected)


def test_stateful_layer_carries_states_and_resets():
    layer = layers.GRU(UNITS, stateful=True)
    x = torch.as_tensor(_inputs())
    first = layer(x)
    second = layer(x)
    assert not torch.allclose(first, second)
    layer.reset_states()
    torch.testing.assert_close(layer(x), first)
    layer.reset_states([np.ones((BATCH, UNITS), "float32")])
    assert not torch.allclose(layer(x), first)
    with pytest.raises(ValueError, match="stateful with batch size 5, but received a batch of 2"):
        layer(x[:2])


@pytest.mark.parametrize("kind", list(KINDS))
def test_dropout_layers_match_keras_at_inference(keras, kind):
    ours, theirs = _pair(keras, kind, dropout=0.3, recurrent_dropout=0.2, return_sequences=True)
    got, expected = _run_both(keras, ours, theirs, _inputs(), training=False)
    assert_close_outputs(got, expected)


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple_rnn"])
@pytest.mark.parametrize("recurrent_dropout", [0.0, 0.4])
def test_dropout_is_random_in_training_and_keeps_one_mask_per_sequence(kind, recurrent_dropout):
    cls = {"lstm": layers.LSTM, "gru": layers.GRU, "simple_rnn": layers.SimpleRNN}[kind]
    layer = cls(UNITS, dropout=0.5, recurrent_dropout=recurrent_dropout, return_sequences=True)
    x = torch.ones(2, STEPS, FEATURES)
    a, b = layer(x, training=True), layer(x, training=True)
    assert not torch.allclose(a, b)
    torch.testing.assert_close(layer(x, training=False), layer(x))
    # with only input dropout and identical inputs at every step, a fixed mask gives the same
    # input at every step; the first-step output of a fresh copy fed that input must match
    if not recurrent_dropout:
        torch.manual_seed(5)
        out = layer(x, training=True)
        torch.manual_seed(5)
        single = layer(x[:, :1], training=True)
        torch.testing.assert_close(out[:, :1], single)


def test_simple_rnn_recurrence_is_the_textbook_formula():
    layer = layers.SimpleRNN(UNITS, return_sequences=True)
    x = _inputs()
    out = layer(torch.as_tensor(x)).detach().numpy()
    kernel, recurrent, bias = layer.get_weights()
    h = np.zeros((BATCH, UNITS), "float32")
    for t in range(STEPS):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        np.testing.assert_allclose(out[:, t], h, atol=1e-5)


@pytest.mark.parametrize("kind", ["lstm", "gru", "gru_reset_before", "simple_rnn"])
def test_cells_match_keras_cells(keras, kind):
    class_name, extra = KINDS[kind]
    theirs = getattr(keras.layers, class_name + "Cell")(UNITS, **extra)
    ours = getattr(layers, class_name + "Cell")(UNITS, **extra)
    theirs.build((None, FEATURES))
    ours.build((None, FEATURES))
    ours.set_weights(theirs.get_weights())
    x = _inputs()[:, 0]
    count = 2 if kind == "lstm" else 1
    states = [np.random.RandomState(1).randn(BATCH, UNITS).astype("float32") for _ in range(count)]
    out, new_states = ours(torch.as_tensor(x), [torch.as_tensor(s) for s in states])
    k_out, k_states = theirs(keras.ops.convert_to_tensor(x), [keras.ops.convert_to_tensor(s) for s in states])
    assert_close_outputs([out, *new_states], [keras.ops.convert_to_numpy(t) for t in [k_out, *k_states]])


def test_weights_have_keras_shapes_and_gate_layout():
    lstm, gru = layers.LSTM(UNITS), layers.GRU(UNITS)
    lstm.build((None, STEPS, FEATURES))
    gru.build((None, STEPS, FEATURES))
    assert [w.shape for w in lstm.get_weights()] == [(FEATURES, 4 * UNITS), (UNITS, 4 * UNITS), (4 * UNITS,)]
    assert [w.shape for w in gru.get_weights()] == [(FEATURES, 3 * UNITS), (UNITS, 3 * UNITS), (2, 3 * UNITS)]
    bias = lstm.get_weights()[2]
    np.testing.assert_array_equal(bias[UNITS:2 * UNITS], 1.0)  # unit_forget_bias
    np.testing.assert_array_equal(np.delete(bias, np.s_[UNITS:2 * UNITS]), 0.0)


def test_symbolic_shapes():
    x = layers.Input((None, FEATURES))
    outputs = layers.LSTM(UNITS, return_sequences=True, return_state=True)(x)
    assert [o.shape for o in outputs] == [(None, None, UNITS), (None, UNITS), (None, UNITS)]
    assert layers.GRU(UNITS)(x).shape == (None, UNITS)


def test_config_round_trip():
    layer = layers.GRU(UNITS, dropout=0.1, reset_after=False, go_backwards=True, return_sequences=True,
                       activation="relu", name="g")
    config = layer.get_config()
    clone = layers.GRU.from_config(config)
    assert clone.get_config() == config
    assert clone.reset_after is False and clone.activation is layer.activation
    assert layers.deserialize(layers.serialize(layers.LSTM(3))).units == 3


def test_keras2_arguments_are_accepted():
    layer = layers.LSTM(UNITS, implementation=1, input_dim=FEATURES, input_length=STEPS, unroll=True)
    assert layer._input_shape_arg == (STEPS, FEATURES)
    assert layer(torch.ones(1, STEPS, FEATURES)).shape == (1, UNITS)


def test_two_dimensional_input_names_the_expected_layout():
    with pytest.raises(ValueError, match=r"LSTM 'lstm.*' expects inputs with exactly 3 dimensions "
                                         r"\(batch, timesteps, features\).*\(8, 5\)"):
        layers.LSTM(4)(torch.ones(8, 5))


def test_missing_units_names_units():
    for cls in (layers.SimpleRNN, layers.LSTM, layers.GRU):
        with pytest.raises(TypeError, match="units"):
            cls()
    with pytest.raises(ValueError, match="units must be a positive integer; received units=0"):
        layers.LSTM(0)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="dropout must be a float in \\[0, 1\\); received dropout=1.5"):
        layers.GRU(2, dropout=1.5)
    with pytest.raises(ValueError, match="use_cudnn must be 'auto', True or False"):
        layers.LSTM(2, use_cudnn="yes")
    with pytest.raises(ValueError, match="use_cudnn=True, but the fused kernel needs"):
        layers.LSTM(2, activation="relu", use_cudnn=True)(torch.ones(1, 2, 3))
    with pytest.raises(ValueError, match="has 2 state\\(s\\).*received 1 initial state"):
        layers.LSTM(2)(torch.ones(1, 2, 3), initial_state=[torch.zeros(1, 2)])


def test_stateful_layer_in_a_model_built_symbolically():
    from lamina.models import Sequential

    model = Sequential([layers.LSTM(UNITS, stateful=True, input_shape=(STEPS, FEATURES)), layers.Dense(1)])
    assert model.layers[0].states is None  # shape inference on stand-ins stores nothing
    x = torch.as_tensor(_inputs())
    first, second = model(x), model(x)
    assert not torch.allclose(first, second) and model.layers[0].states[0].shape == (BATCH, UNITS)
    keras2 = Sequential([layers.GRU(UNITS, stateful=True, batch_input_shape=(BATCH, STEPS, FEATURES))])
    assert keras2.layers[0].states[0].shape == (BATCH, UNITS)
