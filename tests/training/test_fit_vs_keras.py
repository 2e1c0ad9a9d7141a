"""Differential tests: whole ``fit``/``evaluate``/``predict`` runs of lamina against Keras 3 (torch backend).

Both libraries start from the same weights (copied with get_weights/set_weights), see
the same batches (shuffle=False) and must report the same per-epoch history (same
keys, values within 1e-4), the same evaluation results and the same predictions, with
lamina running eagerly and with ``jit_compile=True`` (compiled by torch.compile's
``aot_eager`` backend: the same traced graph as ``inductor`` without C++ code
generation; the MNIST test also runs the real ``inductor`` backend).
Dropout is left out of the networks: its random masks cannot be matched across
libraries.
"""
import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.training import jit

TOL = 1e-4

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")


@pytest.fixture(params=["eager", "aot_eager"])
def jit_compile(request, monkeypatch):
    """lamina's ``compile(jit_compile=...)`` for the test: eager, or compiled with the parameter's backend."""
    if request.param == "eager":
        return False
    monkeypatch.setattr(jit, "BACKEND", request.param)
    return True


def _assert_compiled_if_asked(model, jit_compile):
    step = jit.steps_of(model)["train"][0]
    if jit_compile:
        assert step.failure is None and step.compile_seconds > 0, step.failure


def _assert_same_history(keras_history, lamina_history):
    assert list(lamina_history) == list(keras_history)
    for key, values in keras_history.items():
        np.testing.assert_allclose(lamina_history[key], values, atol=TOL, rtol=TOL, err_msg=key)


def _mnist_like(n, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 784).astype("float32")
    labels = (x[:, :10].argmax(axis=1) + rng.randint(0, 2, n)) % 10  # learnable, not trivial
    return x, np.eye(10, dtype="float32")[labels], labels


def _mlp_pair(keras, hidden=64):
    reference = keras.Sequential([keras.Input((784,)), keras.layers.Dense(hidden, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
    model = lamina.Sequential([layers.Dense(hidden, activation="relu", input_shape=(784,)),
                               layers.Dense(10, activation="softmax")])
    model.set_weights(reference.get_weights())
    return reference, model


@pytest.mark.parametrize("metric", ["accuracy", "acc"])
@pytest.mark.parametrize("jit_compile", ["eager", "aot_eager", "inductor"], indirect=True)
def test_mnist_mlp_fit_matches_keras(keras, metric, jit_compile):
    x, y, _ = _mnist_like(640)
    x_val, y_val, _ = _mnist_like(160, seed=1)
    reference, model = _mlp_pair(keras)
    reference.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=[metric])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=[metric], jit_compile=jit_compile)
    kwargs = dict(batch_size=128, epochs=3, shuffle=False, validation_data=(x_val, y_val), verbose=0)
    expected = reference.fit(x, y, **kwargs).history
    got = model.fit(x, y, **kwargs).history
    _assert_compiled_if_asked(model, jit_compile)
    assert set(got) == {metric, "loss", f"val_{metric}", "val_loss"}
    _assert_same_history(expected, got)
    np.testing.assert_allclose(model.evaluate(x_val, y_val, verbose=0), reference.evaluate(x_val, y_val, verbose=0),
                               atol=TOL)
    np.testing.assert_allclose(model.predict(x_val, verbose=0), reference.predict(x_val, verbose=0), atol=1e-5)


def test_sparse_labels_and_partial_last_batch_match_keras(keras, jit_compile):
    x, _, labels = _mnist_like(300)  # 300 = 2 * 128 + 44: the last batch is smaller
    reference, model = _mlp_pair(keras, hidden=32)
    reference.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"], jit_compile=jit_compile)
    expected = reference.fit(x, labels, batch_size=128, epochs=2, shuffle=False, verbose=0).history
    got = model.fit(x, labels, batch_size=128, epochs=2, shuffle=False, verbose=0).history
    _assert_compiled_if_asked(model, jit_compile)
    _assert_same_history(expected, got)


def _multi_output(lib, layer_module):
    inputs = lib.Input((8,), name="features")
    hidden = layer_module.Dense(16, activation="relu", name="hidden")(inputs)
    age = layer_module.Dense(1, name="age")(hidden)
    income = layer_module.Dense(3, activation="softmax", name="income")(hidden)
    return lib.Model(inputs, [age, income])


def _multi_output_data(n=200):
    rng = np.random.RandomState(3)
    x = rng.normal(size=(n, 8)).astype("float32")
    return x, {"age": (2 * x[:, :1]).astype("float32"), "income": rng.randint(0, 3, n)}


@pytest.mark.parametrize("spec", ["dict", "list"])
def test_multi_output_fit_matches_keras(keras, spec, jit_compile):
    x, y = _multi_output_data()
    reference, model = _multi_output(keras, keras.layers), _multi_output(lamina, layers)
    model.set_weights(reference.get_weights())
    if spec == "dict":
        compile_args = dict(loss={"age": "mse", "income": "sparse_categorical_crossentropy"},
                            loss_weights={"age": 0.5, "income": 1.0}, metrics={"age": ["mae"], "income": ["acc"]})
        targets = y
    else:
        compile_args = dict(loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[0.5, 1.0],
                            metrics=[["mae"], ["acc"]])
        targets = [y["age"], y["income"]]
    reference.compile(optimizer="adam", **compile_args)
    model.compile(optimizer="adam", jit_compile=jit_compile, **compile_args)
    kwargs = dict(batch_size=32, epochs=2, shuffle=False, validation_split=0.25, verbose=0)
    expected = reference.fit(x, targets, **kwargs).history
    got = model.fit(x, targets, **kwargs).history
    _assert_compiled_if_asked(model, jit_compile)
    assert {"loss", "age_loss", "income_loss", "age_mae", "income_acc", "val_income_acc"} <= set(got)
    _assert_same_history(expected, got)
    expected_eval = reference.evaluate(x, targets, verbose=0)
    np.testing.assert_allclose(model.evaluate(x, targets, verbose=0), expected_eval, atol=TOL)
    assert model.metrics_names == ["loss", "age_loss", "income_loss", "age_mae", "income_acc"]
    results = model.evaluate(x, targets, verbose=0, return_dict=True)
    assert results["loss"] == pytest.approx(0.5 * results["age_loss"] + results["income_loss"], rel=1e-5)
    for got_out, expected_out in zip(model.predict(x, verbose=0), reference.predict(x, verbose=0)):
        np.testing.assert_allclose(got_out, expected_out, atol=1e-5)


def test_regularization_and_activity_losses_are_in_the_loss_as_keras(keras, jit_compile):
    rng = np.random.RandomState(0)
    x, y = rng.normal(size=(96, 5)).astype("float32"), rng.normal(size=(96, 2)).astype("float32")
    reference = keras.Sequential([keras.Input((5,)), keras.layers.Dense(
        4, kernel_regularizer=keras.regularizers.L1(0.01), activity_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.Dense(2, bias_regularizer=keras.regularizers.L2(0.1))])
    model = lamina.Sequential([layers.Dense(4, input_shape=(5,), kernel_regularizer=lamina.regularizers.L1(0.01),
                                            activity_regularizer=lamina.regularizers.L2(0.01)),
                               layers.Dense(2, bias_regularizer=lamina.regularizers.L2(0.1))])
    model.set_weights(reference.get_weights())
    reference.compile(optimizer="sgd", loss="mse", metrics=["mse"])
    model.compile(optimizer="sgd", loss="mse", metrics=["mse"], jit_compile=jit_compile)
    expected = reference.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history
    got = model.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history
    _assert_compiled_if_asked(model, jit_compile)
    _assert_same_history(expected, got)
    assert got["loss"][-1] > got["mse"][-1]  # the penalties are in the loss, not in the metric
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), reference.evaluate(x, y, verbose=0), atol=TOL)


def test_sample_weight_and_class_weight_match_keras(keras, jit_compile):
    rng = np.random.RandomState(1)
    x = rng.normal(size=(120, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")[:, None]
    weights = rng.uniform(0.5, 2.0, size=120).astype("float32")

    def pair():
        reference = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="sigmoid")])
        model = lamina.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(6,))])
        model.set_weights(reference.get_weights())
        for m, jit_option in ((reference, "auto"), (model, jit_compile)):
            m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"], weighted_metrics=["mae"],
                      jit_compile=jit_option)
        return reference, model

    reference, model = pair()
    kwargs = dict(batch_size=40, epochs=2, shuffle=False, verbose=0)
    _assert_same_history(reference.fit(x, y, sample_weight=weights, **kwargs).history,
                         model.fit(x, y, sample_weight=weights, **kwargs).history)
    _assert_compiled_if_asked(model, jit_compile)
    reference, model = pair()
    _assert_same_history(reference.fit(x, y, class_weight={0: 1.0, 1: 3.0}, **kwargs).history,
                         model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, **kwargs).history)


def test_validation_split_holds_out_the_last_samples_as_keras(keras, jit_compile):
    x, y, _ = _mnist_like(200)
    reference, model = _mlp_pair(keras, hidden=16)
    reference.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", jit_compile=jit_compile)
    kwargs = dict(batch_size=50, epochs=2, shuffle=False, validation_split=0.3, verbose=0)
    _assert_same_history(reference.fit(x, y, **kwargs).history, model.fit(x, y, **kwargs).history)
    _assert_compiled_if_asked(model, jit_compile)
    np.testing.assert_allclose(model.evaluate(x[140:], y[140:], verbose=0), model.history.history["val_loss"][-1],
                               atol=1e-5)


def test_train_and_test_on_batch_match_keras(keras):
    x, y, _ = _mnist_like(64)
    reference, model = _mlp_pair(keras, hidden=16)
    for m in (reference, model):
        m.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    for _ in range(3):
        np.testing.assert_allclose(model.train_on_batch(x, y), reference.train_on_batch(x, y), atol=TOL)
    assert model.test_on_batch(x, y, return_dict=True) == pytest.approx(
        reference.test_on_batch(x, y, return_dict=True), abs=TOL)
    np.testing.assert_allclose(model.predict_on_batch(x), reference.predict_on_batch(x), atol=1e-5)
