"""The Trainer's own behaviour: optimizers, constraints, symbolic tensors in losses, metrics bookkeeping."""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers, ops

RNG = np.random.RandomState(0)
X = RNG.normal(size=(64, 4)).astype("float32")
Y = (X @ RNG.normal(size=(4, 1))).astype("float32")


def test_loss_is_the_batch_size_weighted_mean_of_batch_losses():
    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer=lamina.optimizers.SGD(0.0), loss="mse")  # no updates: every batch sees the same model
    history = model.fit(X[:50], Y[:50], batch_size=16, epochs=1, shuffle=False, verbose=0)
    errors = (model.predict(X[:50], verbose=0) - Y[:50]) ** 2
    assert history.history["loss"][0] == pytest.approx(float(errors.mean()), rel=1e-5)


@pytest.mark.parametrize("optimizer", ["lamina", "torch"])
def test_weight_constraints_hold_after_every_update(optimizer):
    model = lamina.Sequential([layers.Dense(3, input_shape=(4,), kernel_constraint=lamina.constraints.NonNeg())])
    opt = "sgd" if optimizer == "lamina" else torch.optim.SGD(model.parameters(), lr=0.1)
    model.compile(optimizer=opt, loss="mse")
    model.fit(X, -np.abs(Y).repeat(3, axis=1), batch_size=8, epochs=2, verbose=0)
    kernel = model.layers[0].get_weights()[0]
    assert kernel.min() >= 0.0 and kernel.max() > 0.0


def test_torch_optimizer_trains_like_the_lamina_one():
    histories = []
    for kind in ("lamina", "torch"):
        lamina.utils.set_random_seed(3)
        model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
        opt = lamina.optimizers.SGD(0.05) if kind == "lamina" else torch.optim.SGD(model.parameters(), lr=0.05)
        model.compile(optimizer=opt, loss="mse")
        histories.append(model.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)


def test_a_loss_reading_an_inner_symbolic_tensor_gets_its_value_from_the_forward_pass():
    inputs = lamina.Input((4,))
    hidden = layers.Dense(3, name="hidden")(inputs)
    model = lamina.Model(inputs, layers.Dense(1)(hidden))

    class WithPenalty:
        __name__ = "with_penalty"

        def __init__(self, tensor):
            self.tensor = tensor  # a KerasTensor, as in seed 002's loss object

        def __call__(self, y_true, y_pred):
            return ops.mean(ops.square(y_true - y_pred), axis=-1) + ops.mean(ops.square(self.tensor), axis=-1)

    model.compile(optimizer="sgd", loss=WithPenalty(model.get_layer("hidden").output))
    features = lamina.Model(inputs, hidden)
    expected = float(np.mean((model.predict(X, verbose=0) - Y) ** 2) + np.mean(features.predict(X, verbose=0) ** 2))
    assert model.evaluate(X, Y, batch_size=64, verbose=0) == pytest.approx(expected, rel=1e-5)
    history = model.fit(X, Y, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


def test_model_level_symbolic_add_loss_is_added():
    inputs = lamina.Input((4,))
    outputs = layers.Dense(1, kernel_initializer="ones")(inputs)
    model = lamina.Model(inputs, outputs)
    model.add_loss(ops.mean(ops.abs(outputs)))
    model.compile(optimizer="sgd", loss="mse")
    predictions = model.predict(X, verbose=0)
    expected = float(np.mean((predictions - Y) ** 2) + np.mean(np.abs(predictions)))
    assert model.evaluate(X, Y, batch_size=64, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_metrics_and_their_names_and_reset():
    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", lamina.metrics.RootMeanSquaredError(name="rmse")])
    assert model.metrics_names == ["loss"]  # metrics are built on the first batch, as in Keras
    model.fit(X, Y, epochs=1, verbose=0)
    assert model.metrics_names == ["loss", "mae", "rmse"]
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]
    model.reset_metrics()
    assert all(value == 0 for value in model.get_metrics_result().values())
    results = dict(zip(model.metrics_names, model.evaluate(X, Y, verbose=0)))
    assert results["rmse"] == pytest.approx(results["loss"] ** 0.5, rel=1e-5)


def test_metric_functions_and_duplicate_names():
    def within_one(y_true, y_pred):
        return ops.mean(ops.cast(ops.abs(y_true - y_pred) <= 1.0, "float32"), axis=-1)

    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer="sgd", loss="mse", metrics=[within_one, "mae", "mae"], weighted_metrics=["mae"])
    history = model.fit(X, Y, epochs=1, verbose=0, sample_weight=np.ones(64))
    assert set(history.history) == {"loss", "within_one", "mae", "mae_1", "weighted_mae"}


def test_stop_training_from_a_callback_ends_the_epoch_loop():
    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer="sgd", loss="mse")

    def stop(batch, logs):
        model.stop_training = batch == 1

    history = model.fit(X, Y, batch_size=16, epochs=5, verbose=0,
                        callbacks=[lamina.callbacks.LambdaCallback(on_train_batch_end=stop)])
    assert len(history.history["loss"]) == 1


def test_trainable_changes_between_fits_take_effect():
    model = lamina.Sequential([layers.Dense(2, input_shape=(4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)
    model.layers[0].trainable = False
    frozen = model.layers[0].get_weights()
    model.fit(X, Y, epochs=1, verbose=0)
    for before, after in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(before, after)


def test_subclassed_model_is_built_by_its_first_batch():
    class Net(lamina.Model):
        def __init__(self):
            super().__init__()
            self.first = layers.Dense(4, activation="relu")
            self.second = layers.Dense(1)

        def call(self, inputs):
            return self.second(self.first(inputs))

    model = Net()
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(X, Y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(model.optimizer.variables) == 2 + 2 * 4  # iteration, rate, two slots per weight


def test_predict_returns_numpy_for_every_output_structure():
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, {"a": layers.Dense(2)(inputs), "b": layers.Dense(3)(inputs)})
    predictions = model.predict(X, batch_size=10, verbose=0)
    assert isinstance(predictions, dict) and predictions["a"].shape == (64, 2) and predictions["b"].shape == (64, 3)
    assert isinstance(predictions["a"], np.ndarray)
