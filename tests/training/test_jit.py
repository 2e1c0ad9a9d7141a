"""``compile(jit_compile=...)``: compiled train/test/predict steps give the eager numbers, compile once, fall back cleanly.

Most tests compile with torch.compile's ``aot_eager`` backend: the same dynamo trace and
autograd graph as ``inductor`` (so the same graph breaks, guards and recompilations)
without generating C++ code, which takes tens of seconds per step on a small CPU. One
test runs the real ``inductor`` backend end to end.
"""
import warnings

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.training import jit


@pytest.fixture
def aot_eager(monkeypatch):
    """Compile with torch.compile's aot_eager backend; counters start from zero."""
    monkeypatch.setattr(jit, "BACKEND", "aot_eager")
    torch._dynamo.reset()
    torch._dynamo.utils.counters.clear()
    yield
    torch._dynamo.reset()


def _graphs():
    return torch._dynamo.utils.counters["stats"]["unique_graphs"]


def _data(n=300, features=20, classes=3, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    return x, (x[:, :classes].argmax(axis=1) + rng.randint(0, 2, n)) % classes


def _mlp(jit_compile, seed=1):
    lamina.utils.set_random_seed(seed)
    model = lamina.Sequential([layers.Input((20,)), layers.Dense(16, activation="relu"),
                               layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["acc"], jit_compile=jit_compile)
    return model


def _steps(model):
    return jit.steps_of(model)


def test_compiled_fit_evaluate_predict_equal_eager(aot_eager):
    x, y = _data()
    eager, compiled = _mlp(False), _mlp(True)
    kwargs = dict(batch_size=64, epochs=3, shuffle=False, validation_split=0.2, verbose=0)
    expected, got = eager.fit(x, y, **kwargs).history, compiled.fit(x, y, **kwargs).history
    assert list(got) == list(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, atol=1e-6, err_msg=key)
    for a, b in zip(compiled.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(compiled.evaluate(x, y, verbose=0), eager.evaluate(x, y, verbose=0), rtol=1e-5)
    np.testing.assert_allclose(compiled.predict(x, verbose=0), eager.predict(x, verbose=0), rtol=1e-5, atol=1e-7)
    steps = _steps(compiled)
    assert {kind: steps[kind][0].compile_seconds > 0 for kind in ("train", "test", "predict")} == {
        "train": True, "test": True, "predict": True}


def test_no_recompilation_across_epochs_remainders_validation_and_fits(aot_eager):
    x, y = _data(n=300)  # 240 training samples = 3 batches of 64 + 48: a smaller last batch every epoch
    model = _mlp(True)
    model.fit(x, y, batch_size=64, epochs=2, validation_split=0.2, verbose=0)
    graphs = _graphs()
    assert graphs >= 1
    model.fit(x, y, batch_size=64, epochs=3, validation_split=0.2, verbose=0)
    model.fit(x, y, batch_size=64, epochs=1, validation_split=0.2, verbose=0)
    assert _graphs() == graphs
    train = _steps(model)["train"][0]
    assert train.failure is None and len(train._ready) == 1  # the full batch; the remainder runs eagerly


def test_a_step_that_cannot_be_compiled_warns_once_and_runs_eagerly(aot_eager):
    class ReadsBack(layers.Layer):
        def call(self, inputs):
            return inputs * 2.0 if float(inputs.sum()) > 0 else -inputs  # Python branch on data: no single graph

    def build(jit_compile):
        lamina.utils.set_random_seed(3)
        model = lamina.Sequential([layers.Input((20,)), ReadsBack(), layers.Dense(3, activation="softmax")])
        model.compile("sgd", "sparse_categorical_crossentropy", jit_compile=jit_compile)
        return model

    x, y = _data(n=256)
    model = build(True)
    with pytest.warns(RuntimeWarning) as record:
        history = model.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0).history
    messages = [str(w.message) for w in record if "cannot be compiled" in str(w.message)]
    assert len(messages) == 1
    assert "Sequential 'sequential'" in messages[0] and "train step" in messages[0] and "runs eagerly" in messages[0]
    expected = build(False).fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(history["loss"], expected["loss"], rtol=1e-6)


def test_auto_compiles_only_long_passes_and_never_unrolled_recurrent_layers(aot_eager, monkeypatch):
    x, y = _data()
    model = _mlp("auto")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    assert _graphs() == 0  # a fraction of a second of work: not worth compiling
    monkeypatch.setattr(jit, "AUTO_SECONDS", 0.0)
    model = _mlp("auto")
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    assert _steps(model)["train"][0].compile_seconds > 0
    gru = lamina.Sequential([layers.Input((5, 3)), layers.GRU(4), layers.Dense(1)])
    gru.compile("sgd", "mse", jit_compile="auto")
    gru.fit(np.zeros((64, 5, 3), "float32"), np.zeros((64, 1), "float32"), batch_size=8, epochs=2, verbose=0)
    assert not isinstance(_steps(gru)["train"][0], jit.CompiledStep)


def test_run_eagerly_overrides_and_recompile_forgets_compiled_steps(aot_eager):
    x, y = _data(n=128)
    model = _mlp(True)
    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=True, run_eagerly=True)
    assert model.jit_compile is False
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    assert _graphs() == 0 and not isinstance(_steps(model)["train"][0], jit.CompiledStep)
    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=True)
    assert _steps(model) == {}
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    assert isinstance(_steps(model)["train"][0], jit.CompiledStep) and _graphs() >= 1


def test_compilation_time_is_reported_in_the_progress_output(aot_eager, capsys):
    x, y = _data(n=256)
    _mlp(True).fit(x, y, batch_size=64, epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert "Sequential 'sequential': compiled the train step for batches of shape (64, 20), (64,) in" in out


def test_compiled_lstm_and_max_pooling_equal_eager(aot_eager):
    """The compiled step runs oneDNN's LSTM and ATen's max pooling as custom ops (forward and backward)."""
    rng = np.random.RandomState(0)
    x = rng.randint(1, 50, size=(96, 12)).astype("int32")
    y = rng.randint(0, 2, size=(96, 1)).astype("float32")

    def build(jit_compile):
        lamina.utils.set_random_seed(5)
        model = lamina.Sequential([
            layers.Input((12,), dtype="int32"), layers.Embedding(50, 8),
            layers.Conv1D(6, 3, activation="relu", padding="same"), layers.MaxPooling1D(2),
            layers.LSTM(5, return_sequences=True), layers.LSTM(4, go_backwards=True),
            layers.Dense(1, activation="sigmoid"),
        ])
        model.compile("rmsprop", "binary_crossentropy", jit_compile=jit_compile)
        return model

    eager, compiled = build(False), build(True)
    expected = eager.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
    got = compiled.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
    assert _steps(compiled)["train"][0].failure is None and _graphs() >= 1
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    for a, b in zip(compiled.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_max_pool_op_gradient_equals_torch():
    from lamina.layers import compiled_ops

    compiled_ops.prepare()
    x = torch.randn(2, 3, 7, 6, requires_grad=True)
    expected = torch.nn.functional.max_pool2d(x, 2, 2, 1)
    expected.sum().backward()
    grad = x.grad.clone()
    x.grad = None
    got = compiled_ops.max_pool(x, [2, 2], [2, 2], [1, 1])
    got.sum().backward()
    torch.testing.assert_close(got, expected)
    torch.testing.assert_close(x.grad, grad)


def test_inductor_compiled_fit_equals_eager():
    """The real backend: generated C++ code, the same numbers as eager (within float rounding)."""
    torch._dynamo.reset()
    x, y = _data(n=256)
    eager, compiled = _mlp(False), _mlp(True)
    expected = eager.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0).history
    got = compiled.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0).history
    assert _steps(compiled)["train"][0].failure is None
    np.testing.assert_allclose(got["loss"], expected["loss"], rtol=1e-4)
    np.testing.assert_allclose(got["acc"], expected["acc"], atol=1e-6)
    torch._dynamo.reset()


class _TapeModel(lamina.Model):
    """The Keras 3 custom ``train_step``: GradientTape, apply_gradients, metrics by hand."""

    def train_step(self, data):
        x, y = data
        with lamina.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {metric.name: metric.result() for metric in self.metrics}


def test_a_custom_train_step_with_gradient_tape_is_compiled_and_equals_eager(aot_eager):
    def build(jit_compile):
        lamina.utils.set_random_seed(7)
        inputs = layers.Input((20,))
        model = _TapeModel(inputs, layers.Dense(3, activation="softmax")(layers.Dense(8)(inputs)))
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["acc"], jit_compile=jit_compile)
        return model

    x, y = _data(n=256)
    compiled = build(True)
    got = compiled.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0).history
    step = _steps(compiled)["train"][0]
    assert step.failure is None and step.compile_seconds > 0
    expected = build(False).fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0).history
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, err_msg=key)


def test_a_torch_optimizer_step_falls_back_to_eager_with_a_warning(aot_eager):
    model = lamina.Sequential([layers.Input((20,)), layers.Dense(3, activation="softmax")])
    model.compile(torch.optim.Adam(model.parameters()), "sparse_categorical_crossentropy", jit_compile=True)
    x, y = _data(n=256)
    with pytest.warns(RuntimeWarning, match="the train step cannot be compiled by torch.compile, so it runs eagerly"):
        history = model.fit(x, y, batch_size=64, epochs=2, verbose=0).history
    assert len(history["loss"]) == 2 and np.isfinite(history["loss"]).all()


def test_state_changed_between_fits_reaches_the_compiled_step(aot_eager):
    """A new learning rate and frozen layers take effect without a new compile(), as in eager runs."""
    x, y = _data(n=256)
    model = _mlp(True)
    model.fit(x, y, batch_size=64, epochs=2, verbose=0)
    assert _steps(model)["train"][0].compile_seconds > 0
    model.optimizer.learning_rate = 0.0
    before = model.get_weights()
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    model.optimizer.learning_rate = 0.01
    model.layers[0].trainable = False
    frozen = model.layers[0].get_weights()
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    for a, b in zip(model.layers[0].get_weights(), frozen):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(model.layers[1].get_weights()[0], before[2])
