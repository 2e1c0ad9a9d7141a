"""K.function: learning phase, intermediate inputs and outputs, updates, and the errors for bad feeds and graphs."""
import numpy as np
import pytest
import torch

from lamina import backend as K
from lamina.layers import BatchNormalization, Conv2D, Dense, Dropout, GlobalAveragePooling2D, Input
from lamina.models import Model


def _mlp():
    x = Input((4,), name="x")
    h = Dense(8, activation="relu", name="hidden")(x)
    d = Dropout(0.5, name="drop")(h)
    y = Dense(2, name="out")(d)
    return x, h, d, y


def test_learning_phase_input_switches_dropout():
    x, h, d, y = _mlp()
    f = K.function([x, K.learning_phase()], [h, d])
    data = np.ones((64, 4), dtype="float32")
    h_test, d_test = f([data, 0])
    np.testing.assert_array_equal(h_test, d_test)  # inference: Dropout is the identity
    h_train, d_train = f([data, 1.0])
    kept = d_train != 0
    assert (~kept & (h_train != 0)).any()  # some units dropped
    np.testing.assert_allclose(d_train[kept], 2 * h_train[kept], rtol=1e-6)
    no_phase = K.function([x], [d])([data])[0]  # without the learning phase: inference
    np.testing.assert_array_equal(no_phase, h_test)


def test_learning_phase_selects_batch_statistics_of_batch_normalization():
    x = Input((3,))
    bn = BatchNormalization()
    y = bn(x)
    f = K.function([x, K.learning_phase()], [y])
    data = np.array([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0]], dtype="float32")
    test_out = f([data, 0])[0]
    np.testing.assert_allclose(test_out, data / np.sqrt(1 + 1e-3), rtol=1e-5)  # moving mean 0, variance 1
    train_out = f([data, 1])[0]
    np.testing.assert_allclose(train_out.mean(axis=0), 0.0, atol=1e-5)  # normalised by the batch's statistics
    np.testing.assert_allclose(K.get_value(bn.moving_mean), 0.01 * data.mean(axis=0), rtol=1e-5)  # and updated


def test_every_layer_output_of_a_model_including_its_input():
    inputs = Input((8, 8, 3))
    conv = Conv2D(2, 3, padding="same", activation="relu")(inputs)
    pooled = GlobalAveragePooling2D()(conv)
    model = Model(inputs, Dense(1)(pooled))
    functor = K.function([model.input, K.learning_phase()], [layer.output for layer in model.layers])
    image = np.random.RandomState(0).uniform(size=(1, 8, 8, 3)).astype("float32")
    outs = functor([image, 1.0])
    assert [o.shape for o in outs] == [(1, 8, 8, 3), (1, 8, 8, 2), (1, 2), (1, 1)]
    np.testing.assert_array_equal(outs[0], image)
    np.testing.assert_allclose(outs[2], outs[1].mean(axis=(1, 2)), rtol=1e-5)
    np.testing.assert_allclose(outs[-1], model.predict(image, verbose=0), rtol=1e-5, atol=1e-6)


def test_an_intermediate_tensor_can_be_fed():
    x, h, _, y = _mlp()
    model = Model(x, y)
    f = K.function([h], [y])
    h_value = np.random.RandomState(1).uniform(size=(3, 8)).astype("float32")
    expected = model.get_layer("out")(torch.tensor(h_value)).detach().numpy()
    np.testing.assert_allclose(f([h_value])[0], expected, rtol=1e-5)


def test_single_output_dict_feeds_and_updates():
    x, h, _, _ = _mlp()
    last_mean = K.variable(0.0)
    f = K.function(x, K.sum(h), updates=[(last_mean, K.mean(x))])
    value = f(np.ones((2, 4)))
    assert isinstance(value, np.ndarray) and value.shape == ()
    assert K.get_value(last_mean) == 1.0
    f({"x": np.full((2, 4), 3.0)})
    assert K.get_value(last_mean) == 3.0


def test_wrong_rank_feed_names_the_input_and_both_shapes():
    inputs = Input((16, 16, 3))
    model = Model(inputs, Conv2D(2, 3)(inputs))
    functor = K.function([model.input, K.learning_phase()], [model.output])
    with pytest.raises(ValueError) as error:
        functor([np.zeros((16, 16, 3)), 1.0])
    message = str(error.value)
    assert "input 0" in message and "(None, 16, 16, 3)" in message and "(16, 16, 3)" in message
    assert "batch axis" in message
    with pytest.raises(ValueError, match=r"expects an array of shape \(None, 16, 16, 3\).*\(1, 16, 16, 4\)"):
        functor([np.zeros((1, 16, 16, 4)), 0])


def test_tensor_from_another_graph_is_named():
    x1, _, _, y1 = _mlp()
    other = Input((4,), name="other_input")
    y2 = Dense(1)(other)
    with pytest.raises(ValueError, match=r"K.function: .*other_input"):
        K.function([x1], [y1, y2])


def test_bad_arguments_are_reported():
    x, h, _, _ = _mlp()
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a symbolic tensor"):
        K.function([np.ones((1, 4))], [h])
    f = K.function([x, K.learning_phase()], [h])
    with pytest.raises(ValueError, match="expected 2 input values"):
        f([np.ones((1, 4))])
    with pytest.raises(TypeError, match=r"updates\[0\] must be a \(variable, new_value\) pair"):
        K.function([x], [h], updates=[h])
