"""Shared checks of the vision-layer tests: build a lamina layer and its Keras 3 twin, copy weights, compare.

Test modules import it after putting ``tests/layers`` on ``sys.path`` (the test folders are not packages).
"""
import numpy as np
import torch

import lamina

IGNORED_KEYS = {"dtype", "quantization_config"}  # dtype is a policy dict in Keras; quantization is Keras-only


def random_weights(keras_layer, seed=0):
    """Random arrays shaped as the Keras layer's weights; variances stay positive, so BatchNormalization is valid."""
    rng = np.random.RandomState(seed)
    return [(rng.rand(*w.shape) + 0.5).astype("float32") if "variance" in getattr(v, "path", "") else
            rng.randn(*w.shape).astype("float32") for w, v in zip(keras_layer.get_weights(), keras_layer.weights)]


def pair(keras, class_name, kwargs, input_shape, seed=0):
    """A built Keras layer and a built lamina layer of the same class and arguments, with the same random weights."""
    theirs = getattr(keras.layers, class_name)(**kwargs)
    ours = getattr(lamina.layers, class_name)(**kwargs)
    theirs.build(input_shape)
    ours.build(input_shape)
    weights = random_weights(theirs, seed)
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return theirs, ours


def outputs(keras, theirs, ours, x, **call_kwargs):
    """Both layers' outputs on the NumPy array ``x`` as NumPy arrays."""
    expected = keras.ops.convert_to_numpy(theirs(keras.ops.convert_to_tensor(x), **call_kwargs))
    got = ours(torch.as_tensor(x), **call_kwargs).detach().cpu().numpy()
    return expected, got


def assert_matches_keras(keras, class_name, kwargs, x, atol=1e-5, check_config=True, **call_kwargs):
    """Same outputs (within ``atol``), output shape, parameter count, weight shapes and config keys as Keras."""
    theirs, ours = pair(keras, class_name, kwargs, x.shape)
    expected, got = outputs(keras, theirs, ours, x, **call_kwargs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=atol, rtol=1e-5)
    assert tuple(ours.compute_output_shape(x.shape)) == tuple(theirs.compute_output_shape(x.shape))
    assert ours.count_params() == theirs.count_params()
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    if check_config:
        assert_same_config_keys(theirs, ours)
    return theirs, ours


def assert_same_config_keys(theirs, ours):
    ours_keys = set(ours.get_config()) - IGNORED_KEYS
    theirs_keys = set(theirs.get_config()) - IGNORED_KEYS
    assert ours_keys == theirs_keys, ours_keys ^ theirs_keys


def assert_config_round_trip(layer):
    """``from_config(get_config())`` rebuilds a layer with the same config."""
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    return clone
