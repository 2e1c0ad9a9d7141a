"""K.gradients on symbolic graphs: against torch autograd and finite differences; the book's visualisation loops."""
import numpy as np
import pytest
import torch

from lamina import backend as K
from lamina.layers import Conv2D, Dense, Input, MaxPooling2D
from lamina.models import Model, Sequential

RNG = np.random.RandomState(0)


def _model():
    x = Input((5,))
    h = Dense(7, activation="tanh")(x)
    y = Dense(3)(h)
    return Model(x, y), x, h, y


def test_gradient_wrt_input_matches_autograd_and_finite_differences():
    model, x, _, y = _model()
    loss = K.sum(K.square(y))
    grad = K.gradients(loss, x)[0]
    assert grad.shape == (None, 5)
    data = RNG.normal(size=(4, 5)).astype("float32")
    loss_value, grad_value = K.function([x], [loss, grad])([data])
    leaf = torch.tensor(data, requires_grad=True)
    expected = torch.autograd.grad((model(leaf) ** 2).sum(), leaf)[0].numpy()
    np.testing.assert_allclose(grad_value, expected, rtol=1e-5, atol=1e-6)
    assert loss_value == pytest.approx((model(torch.tensor(data)) ** 2).sum().item(), rel=1e-5)

    def f(array):
        with torch.no_grad():
            return float((model(torch.tensor(array, dtype=torch.float32)) ** 2).sum())

    step = 1e-2
    for index in [(0, 0), (2, 3), (3, 4)]:
        plus, minus = data.astype("float64"), data.astype("float64")
        plus[index] += step
        minus[index] -= step
        assert grad_value[index] == pytest.approx((f(plus) - f(minus)) / (2 * step), rel=2e-2, abs=2e-3)


def test_gradient_wrt_intermediate_tensor_and_weights():
    model, x, h, y = _model()
    loss = K.mean(y)
    grad_h, grad_kernel, grad_unused = K.gradients(loss, [h, model.layers[-1].kernel, model.layers[1].bias])
    data = RNG.normal(size=(6, 5)).astype("float32")
    g_h, g_kernel, g_bias = K.function([x], [grad_h, grad_kernel, grad_unused])([data])
    h_value = model.layers[1](torch.tensor(data)).detach().requires_grad_()
    out_layer = model.layers[-1]
    torch_loss = out_layer(h_value).mean()
    expected_h, expected_kernel = torch.autograd.grad(torch_loss, [h_value, out_layer.kernel])
    np.testing.assert_allclose(g_h, expected_h.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(g_kernel, expected_kernel.numpy(), rtol=1e-5, atol=1e-7)
    assert g_bias.shape == (7,) and np.abs(g_bias).sum() > 0  # the hidden bias does feed the loss


def test_unconnected_gradients_are_zeros_in_graphs_and_none_eagerly():
    x, other = Input((2,)), Input((2,))
    loss = K.sum(x * 3.0)
    g_x, g_other = K.gradients(loss, [x, other])
    f = K.function([x, other], [g_x, g_other])
    gx, go = f([np.ones((1, 2)), np.ones((1, 2))])
    assert gx.tolist() == [[3.0, 3.0]] and go.tolist() == [[0.0, 0.0]]
    w, unused = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    grads = K.gradients((w * w).sum(), [w, unused])
    assert grads[0].tolist() == [2.0, 2.0] and grads[1] is None


def test_second_derivatives():
    x = Input((3,))
    first = K.gradients(K.sum(x ** 3), x)[0]
    second = K.gradients(K.sum(first), x)[0]
    values = np.array([[1.0, -2.0, 0.5]], dtype="float32")
    g1, g2 = K.function([x], [first, second])([values])
    np.testing.assert_allclose(g1, 3 * values ** 2, rtol=1e-6)
    np.testing.assert_allclose(g2, 6 * values, rtol=1e-6)


def test_filter_visualisation_gradient_ascent_raises_the_activation():
    # The book's filter visualisation (Keras 2): loss from a layer output, gradients w.r.t. the input,
    # normalised, evaluated by K.function in a gradient-ascent loop.
    model = Sequential([Input((24, 24, 3)), Conv2D(8, 3, activation="relu", name="block1_conv1"), MaxPooling2D(2),
                        Conv2D(8, 3, activation="relu", name="block2_conv1")])
    layer_output = model.get_layer("block2_conv1").output
    loss = K.mean(layer_output[:, :, :, 3])
    grads = K.gradients(loss, model.input)[0]
    grads /= (K.sqrt(K.mean(K.square(grads))) + 1e-5)
    iterate = K.function([model.input], [loss, grads])
    image = np.random.RandomState(3).random((1, 24, 24, 3)).astype("float32") * 20 + 128.0
    first_loss, grads_value = iterate([image])
    assert grads_value.shape == (1, 24, 24, 3)
    assert np.sqrt(np.mean(grads_value ** 2)) == pytest.approx(1.0, rel=0.05)  # normalised (up to the 1e-5)
    for _ in range(10):
        loss_value, grads_value = iterate([image])
        image += grads_value * 1.0
    assert loss_value > first_loss


def test_deepdream_style_loss_with_scaling_from_symbolic_shape():
    model = Sequential([Input((16, 16, 3)), Conv2D(4, 3, activation="relu", name="mixed2"),
                        Conv2D(4, 3, activation="relu", name="mixed3")])
    dream = model.input
    loss = K.variable(0.0)
    for name, coeff in [("mixed2", 0.2), ("mixed3", 3.0)]:
        activation = model.get_layer(name).output
        scaling = K.prod(K.cast(K.shape(activation), "float32"))
        loss += coeff * K.sum(K.square(activation[:, 2:-2, 2:-2, :])) / scaling
    grads = K.gradients(loss, dream)[0]
    grads /= K.maximum(K.mean(K.abs(grads)), 1e-7)
    fetch = K.function([dream], [loss, grads])
    image = np.random.RandomState(0).uniform(size=(1, 16, 16, 3)).astype("float32")
    loss_before, g = fetch([image])
    loss_after, _ = fetch([image + 0.05 * g])
    assert loss_after > loss_before
    assert float(K.get_value(model.get_layer("mixed2").kernel).std()) > 0  # weights untouched by the ascent


def test_gradients_that_cannot_be_computed_are_reported_not_zeroed():
    x = Input((2,))
    grad = K.gradients(K.sum(K.square(x)), x)[0]
    model = Model(x, grad)
    assert model(torch.ones(1, 2, requires_grad=True)).tolist() == [[2.0, 2.0]]
    untracked = r"K.gradients: cannot differentiate with respect to variables\[0\] .* K.function"
    with pytest.raises(RuntimeError, match=untracked):
        model(torch.ones(1, 2))  # its value was computed without autograd tracking
    with torch.no_grad(), pytest.raises(RuntimeError, match="K.gradients: the graph .* ran without autograd"):
        model(torch.ones(1, 2, requires_grad=True))
    with pytest.raises(TypeError, match=r"variables\[0\] must be a symbolic tensor or a variable"):
        K.gradients(K.sum(x), ["x"])
