"""Differential tests: lamina's core layers against Keras 3 (torch backend) with copied weights."""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers

RNG = np.random.RandomState(0)


def _compare(keras, make_lamina, make_keras, inputs, atol=1e-5, training=None):
    """Build both layers, copy Keras's weights into lamina, compare outputs, shapes, counts and config keys."""
    ours, theirs = make_lamina(), make_keras()
    kw = {} if training is None else {"training": training}
    if isinstance(inputs, list):
        expected = theirs([keras.ops.convert_to_tensor(x) for x in inputs], **kw)
        ours([torch.as_tensor(x) for x in inputs], **kw)
    else:
        expected = theirs(keras.ops.convert_to_tensor(inputs), **kw)
        ours(torch.as_tensor(inputs), **kw)
    ours.set_weights(theirs.get_weights())
    got = ours([torch.as_tensor(x) for x in inputs], **kw) if isinstance(inputs, list) else ours(
        torch.as_tensor(inputs), **kw)
    np.testing.assert_allclose(got.detach().numpy(), keras.ops.convert_to_numpy(expected), atol=atol, rtol=1e-5)
    assert ours.count_params() == theirs.count_params()
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours_keys = set(ours.get_config()) - {"dtype"}
    theirs_keys = set(theirs.get_config()) - {"dtype", "quantization_config"}
    assert ours_keys == theirs_keys, (ours_keys ^ theirs_keys)
    return ours


def _symbolic_shape(keras, make_lamina, make_keras, shape):
    ours = make_lamina()(lamina.Input(shape[1:]))
    theirs = make_keras()(keras.Input(shape[1:]))
    assert tuple(ours.shape) == tuple(theirs.shape)


X2 = RNG.randn(4, 6).astype("float32")
X3 = RNG.randn(4, 5, 6).astype("float32")
X4 = RNG.randn(2, 3, 4, 5).astype("float32")

CASES = [
    ("dense", lambda L: L.Dense(3), X2),
    ("dense_relu_nobias", lambda L: L.Dense(7, activation="relu", use_bias=False), X2),
    ("dense_3d", lambda L: L.Dense(2, activation="tanh"), X3),
    ("activation_softmax", lambda L: L.Activation("softmax"), X3),
    ("flatten", lambda L: L.Flatten(), X4),
    ("reshape", lambda L: L.Reshape((6, -1)), X3),
    ("permute", lambda L: L.Permute((2, 1)), X3),
    ("repeat_vector", lambda L: L.RepeatVector(3), X2),
    ("identity", lambda L: L.Identity(), X3),
    ("leaky_relu", lambda L: L.LeakyReLU(negative_slope=0.1), X3),
    ("relu_capped", lambda L: L.ReLU(max_value=0.5, negative_slope=0.1, threshold=0.2), X3),
    ("prelu", lambda L: L.PReLU(alpha_initializer="random_uniform"), X3),
    ("prelu_shared", lambda L: L.PReLU(alpha_initializer="random_uniform", shared_axes=[1]), X3),
    ("elu", lambda L: L.ELU(alpha=0.7), X3),
    ("softmax_axis", lambda L: L.Softmax(axis=1), X3),
    ("dropout_inference", lambda L: L.Dropout(0.5), X3),
    ("activity_regularization", lambda L: L.ActivityRegularization(l1=0.1, l2=0.2), X2),
]


@pytest.mark.parametrize("name,factory,x", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_keras(keras, name, factory, x):
    _compare(keras, lambda: factory(layers), lambda: factory(keras.layers), x)
    _symbolic_shape(keras, lambda: factory(layers), lambda: factory(keras.layers), x.shape)


MERGES = [
    ("add", lambda L: L.Add()), ("subtract", lambda L: L.Subtract()), ("multiply", lambda L: L.Multiply()),
    ("average", lambda L: L.Average()), ("maximum", lambda L: L.Maximum()), ("minimum", lambda L: L.Minimum()),
    ("concatenate", lambda L: L.Concatenate()), ("concatenate_axis1", lambda L: L.Concatenate(axis=1)),
    ("dot", lambda L: L.Dot(axes=2)), ("dot_normalized", lambda L: L.Dot(axes=(1, 1), normalize=True)),
]


@pytest.mark.parametrize("name,factory", MERGES, ids=[m[0] for m in MERGES])
def test_merge_matches_keras(keras, name, factory):
    a, b = RNG.randn(4, 5, 6).astype("float32"), RNG.randn(4, 5, 6).astype("float32")
    _compare(keras, lambda: factory(layers), lambda: factory(keras.layers), [a, b])
    ours = factory(layers)([lamina.Input((5, 6)), lamina.Input((5, 6))])
    theirs = factory(keras.layers)([keras.Input((5, 6)), keras.Input((5, 6))])
    assert tuple(ours.shape) == tuple(theirs.shape)


@pytest.mark.parametrize("fn", ["add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate"])
def test_merge_functions_match_keras(keras, fn):
    a, b = RNG.randn(3, 4).astype("float32"), RNG.randn(3, 4).astype("float32")
    ours = getattr(layers, fn)([torch.as_tensor(a), torch.as_tensor(b)])
    theirs = getattr(keras.layers, fn)([keras.ops.convert_to_tensor(a), keras.ops.convert_to_tensor(b)])
    np.testing.assert_allclose(ours.numpy(), keras.ops.convert_to_numpy(theirs), atol=1e-6)


def test_dot_2d_gives_column(keras):
    a, b = RNG.randn(3, 4).astype("float32"), RNG.randn(3, 4).astype("float32")
    ours = layers.dot([torch.as_tensor(a), torch.as_tensor(b)], axes=1)
    theirs = keras.layers.dot([keras.ops.convert_to_tensor(a), keras.ops.convert_to_tensor(b)], axes=1)
    np.testing.assert_allclose(ours.numpy(), keras.ops.convert_to_numpy(theirs), atol=1e-5)


ACTIVATIONS = ["relu", "sigmoid", "softmax", "tanh", "elu", "selu", "softplus", "softsign", "swish", "silu", "gelu",
               "leaky_relu", "relu6", "hard_sigmoid", "exponential", "linear", "log_softmax", "mish", "hard_silu",
               "celu", "tanh_shrink", "squareplus", "sparse_plus", "log_sigmoid", "hard_tanh", "soft_shrink",
               "hard_shrink"]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_functions_match_keras(keras, name):
    x = RNG.randn(3, 7).astype("float32") * 3
    ours = lamina.activations.get(name)(torch.as_tensor(x))
    theirs = keras.activations.get(name)(keras.ops.convert_to_tensor(x))
    np.testing.assert_allclose(ours.numpy(), keras.ops.convert_to_numpy(theirs), atol=1e-5, rtol=1e-5)


def test_activation_options_match_keras(keras):
    x = RNG.randn(4, 5).astype("float32") * 3
    t, k = torch.as_tensor(x), keras.ops.convert_to_tensor(x)
    pairs = [
        (lamina.activations.relu(t, max_value=1.0, threshold=0.5), keras.activations.relu(k, max_value=1.0, threshold=0.5)),
        (lamina.activations.relu(t, negative_slope=0.2), keras.activations.relu(k, negative_slope=0.2)),
        (lamina.activations.softmax(t, axis=0), keras.activations.softmax(k, axis=0)),
        (lamina.activations.gelu(t, approximate=True), keras.activations.gelu(k, approximate=True)),
        (lamina.activations.elu(t, alpha=0.5), keras.activations.elu(k, alpha=0.5)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours.numpy(), keras.ops.convert_to_numpy(theirs), atol=1e-6)


@pytest.mark.parametrize("name,shape", [("glorot_uniform", (300, 200)), ("glorot_normal", (300, 200)),
                                        ("he_normal", (3, 3, 40, 64)), ("he_uniform", (3, 3, 40, 64)),
                                        ("lecun_normal", (500, 100)), ("lecun_uniform", (500, 100)),
                                        ("random_normal", (400, 300)), ("random_uniform", (400, 300)),
                                        ("truncated_normal", (400, 300)), ("orthogonal", (64, 32))])
def test_initializer_statistics_match_keras(keras, name, shape):
    keras.utils.set_random_seed(0)
    ours = lamina.initializers.get(name)(shape).numpy()
    theirs = keras.ops.convert_to_numpy(keras.initializers.get(name)(shape))
    assert ours.shape == theirs.shape
    assert abs(ours.std() - theirs.std()) < 0.05 * theirs.std()
    assert abs(ours.mean() - theirs.mean()) < 0.05 * theirs.std() + 1e-3
    # same distribution shape (truncation, uniform bounds): compare tail quantiles
    np.testing.assert_allclose(np.quantile(ours, [0.005, 0.995]), np.quantile(theirs, [0.005, 0.995]), rtol=0.1)


def test_deterministic_initializers_match_keras(keras):
    for name, args in [("zeros", {}), ("ones", {}), ("constant", {"value": 0.7}), ("identity", {"gain": 2.0})]:
        ours = lamina.initializers.get({"class_name": name, "config": args} if args else name)
        theirs = keras.initializers.get({"class_name": name, "config": args} if args else name)
        np.testing.assert_array_equal(ours((3, 3)).numpy(), keras.ops.convert_to_numpy(theirs((3, 3))))


def test_seeded_initializer_repeats_itself():
    init = lamina.initializers.GlorotUniform(seed=7)
    np.testing.assert_array_equal(init((5, 4)).numpy(), init((5, 4)).numpy())


@pytest.mark.parametrize("make", [lambda R: R.L1(0.3), lambda R: R.L2(0.1), lambda R: R.L1L2(l1=0.2, l2=0.05),
                                  lambda R: R.l1_l2(), lambda R: R.OrthogonalRegularizer(0.1)])
def test_regularizers_match_keras(keras, make):
    w = RNG.randn(6, 4).astype("float32")
    ours = make(lamina.regularizers)(torch.as_tensor(w))
    theirs = make(keras.regularizers)(keras.ops.convert_to_tensor(w))
    np.testing.assert_allclose(float(ours), float(keras.ops.convert_to_numpy(theirs)), rtol=1e-5)


@pytest.mark.parametrize("make", [lambda C: C.MaxNorm(1.5, axis=0), lambda C: C.NonNeg(), lambda C: C.UnitNorm(axis=1),
                                  lambda C: C.MinMaxNorm(0.5, 1.0, rate=0.7, axis=0)])
def test_constraints_match_keras(keras, make):
    w = RNG.randn(5, 3).astype("float32")
    ours = make(lamina.constraints)(torch.as_tensor(w))
    theirs = make(keras.constraints)(keras.ops.convert_to_tensor(w))
    np.testing.assert_allclose(ours.numpy(), keras.ops.convert_to_numpy(theirs), atol=1e-6)


def test_activity_regularizer_loss_matches_keras(keras):
    x = RNG.randn(8, 5).astype("float32")
    ours = layers.Dense(3, activity_regularizer="l2", kernel_regularizer=lamina.regularizers.L1(0.1))
    theirs = keras.layers.Dense(3, activity_regularizer="l2", kernel_regularizer=keras.regularizers.L1(0.1))
    theirs(keras.ops.convert_to_tensor(x))
    ours(torch.as_tensor(x))
    ours.set_weights(theirs.get_weights())
    theirs(keras.ops.convert_to_tensor(x))
    ours(torch.as_tensor(x))
    ours_losses = sorted(float(l) for l in ours.losses)
    theirs_losses = sorted(float(keras.ops.convert_to_numpy(l)) for l in theirs.losses)
    np.testing.assert_allclose(ours_losses, theirs_losses, rtol=1e-5)


def test_initializer_configs_match_keras_and_load_keras_configs(keras):
    for name in ["GlorotUniform", "HeNormal", "LecunUniform", "VarianceScaling", "Zeros", "Orthogonal"]:
        theirs = keras.initializers.get(name)
        ours = lamina.initializers.get(name)
        assert set(ours.get_config()) == set(theirs.get_config()), name
        clone = lamina.initializers.deserialize({"class_name": name, "config": theirs.get_config()})
        assert type(clone).__name__ == name
    custom = keras.initializers.VarianceScaling(2.0, "fan_in", "uniform", input_axes=[0], output_axes=[1, 2])
    ours = lamina.initializers.deserialize({"class_name": "VarianceScaling", "config": custom.get_config()})
    limit = (3 * 2.0 / 4) ** 0.5
    assert float(ours((4, 5, 6)).abs().max()) <= limit
