"""Callbacks against Keras 3: the same hooks in the same order, and the same decisions for the same logs.

The monitor callbacks (EarlyStopping, ReduceLROnPlateau, ModelCheckpoint) are driven
epoch by epoch with identical logs on stand-in models, in both libraries, and must
make the same decisions; the hook order is compared on real ``fit`` runs.
"""
import csv

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")

HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end",
         "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end", "on_predict_begin",
         "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"]


def _recorder(base):
    class Recorder(base):
        def __init__(self):
            super().__init__()
            self.events = []
            self.log_keys = []

    def make_hook(name):
        def hook(self, *args, logs=None):
            if args and isinstance(args[-1], dict):  # logs given positionally
                args, logs = args[:-1], args[-1]
            self.events.append((name,) + args)
            self.log_keys.append((name, sorted((logs or {}).keys()) if name != "on_predict_batch_end" else None))
        return hook

    for name in HOOKS:
        setattr(Recorder, name, make_hook(name))
    return Recorder()


def _data():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(96, 8)).astype("float32")
    return x, (x.sum(axis=1) > 0).astype("float32")


def _pair(keras):
    reference = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
    model = lamina.Sequential([layers.Dense(4, activation="relu", input_shape=(8,)),
                               layers.Dense(1, activation="sigmoid")])
    model.set_weights(reference.get_weights())
    for m in (reference, model):
        m.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    return reference, model


def test_hook_order_and_logs_match_keras(keras):
    x, y = _data()
    reference, model = _pair(keras)
    expected, got = _recorder(keras.callbacks.Callback), _recorder(callbacks.Callback)
    kwargs = dict(epochs=2, batch_size=32, validation_data=(x[:40], y[:40]), verbose=0, shuffle=False)
    reference.fit(x, y, callbacks=[expected], **kwargs)
    model.fit(x, y, callbacks=[got], **kwargs)
    reference.evaluate(x, y, callbacks=[expected], batch_size=48, verbose=0)
    model.evaluate(x, y, callbacks=[got], batch_size=48, verbose=0)
    reference.predict(x, callbacks=[expected], batch_size=48, verbose=0)
    model.predict(x, callbacks=[got], batch_size=48, verbose=0)
    assert got.events == expected.events
    assert got.log_keys == expected.log_keys
    assert got.model is model


def _drive(callback, model, values, monitor="val_loss"):
    callback.set_model(model)
    callback.on_train_begin()
    trace = []
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch)
        logs = {monitor: value, "loss": 1.0}
        callback.on_epoch_end(epoch, logs)
        trace.append((model.stop_training, logs.get("learning_rate")))
    callback.on_train_end()
    return trace


class _Model:
    def __init__(self, optimizer=None):
        self.stop_training = False
        self.optimizer = optimizer
        self.weights = [np.zeros(1)]
        self.saved = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [w.copy() for w in weights]

    def save(self, path, overwrite=True):
        self.saved.append(path)

    def save_weights(self, path, overwrite=True):
        self.saved.append(("weights", path))


SEQUENCES = {
    "plateau": [0.5, 0.4, 0.45, 0.41, 0.3, 0.31, 0.32, 0.33],
    "noisy": [1.0, 0.9, 0.95, 0.9, 0.899, 0.85, 0.86, 0.87, 0.8],
    "rising": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
}


@pytest.mark.parametrize("sequence", sorted(SEQUENCES))
@pytest.mark.parametrize("kwargs", [
    dict(patience=0), dict(patience=1), dict(patience=2, min_delta=0.02), dict(patience=1, mode="max"),
    dict(patience=2, baseline=0.35), dict(patience=1, start_from_epoch=3), dict(patience=1, restore_best_weights=True),
])
def test_early_stopping_decides_like_keras(keras, sequence, kwargs):
    values = SEQUENCES[sequence]
    expected_model, got_model = _Model(), _Model()
    expected = keras.callbacks.EarlyStopping(monitor="val_loss", **{"mode": "min", **kwargs})
    got = callbacks.EarlyStopping(monitor="val_loss", **{"mode": "min", **kwargs})
    for model in (expected_model, got_model):  # weights that change every epoch, to see which are restored
        model.weights = [np.zeros(1)]
    stops = []
    for cb, model in ((expected, expected_model), (got, got_model)):
        cb.set_model(model)
        cb.on_train_begin()
        trace = []
        for epoch, value in enumerate(values):
            model.weights = [np.full(1, float(epoch))]
            cb.on_epoch_end(epoch, {"val_loss": value})
            trace.append(model.stop_training)
            if model.stop_training:
                break
        cb.on_train_end()
        stops.append((trace, cb.stopped_epoch, cb.best, cb.wait, model.weights[0].item()))
    assert stops[1] == stops[0]


@pytest.mark.parametrize("kwargs", [
    dict(patience=2, factor=0.5), dict(patience=1, factor=0.1, cooldown=2), dict(patience=1, factor=0.5, min_lr=0.03),
    dict(patience=2, factor=0.2, min_delta=0.05), dict(patience=1, factor=0.5, mode="max"),
])
def test_reduce_lr_on_plateau_decides_like_keras(keras, kwargs):
    values = SEQUENCES["plateau"] + SEQUENCES["noisy"]
    expected = _drive(keras.callbacks.ReduceLROnPlateau(**kwargs), _Model(keras.optimizers.SGD(0.1)), values)
    got = _drive(callbacks.ReduceLROnPlateau(**kwargs), _Model(lamina.optimizers.SGD(0.1)), values)
    assert [stop for stop, _ in got] == [stop for stop, _ in expected]
    np.testing.assert_allclose([lr for _, lr in got], [lr for _, lr in expected], rtol=1e-6)


@pytest.mark.parametrize("kwargs", [dict(), dict(save_best_only=True), dict(save_best_only=True, mode="max"),
                                    dict(save_best_only=True, save_weights_only=True),
                                    dict(save_best_only=True, initial_value_threshold=0.9)])
def test_model_checkpoint_saves_like_keras(keras, kwargs, tmp_path):
    suffix = ".weights.h5" if kwargs.get("save_weights_only") else ".keras"
    template = str(tmp_path / ("m-{epoch:02d}-{val_loss:.3f}" + suffix))
    saved = []
    for module in (keras.callbacks, callbacks):
        model = _Model()
        _drive(module.ModelCheckpoint(template, monitor="val_loss", **kwargs), model, SEQUENCES["noisy"])
        saved.append(model.saved)
    assert saved[1] == saved[0] and saved[1]


def test_model_checkpoint_save_freq_in_batches_like_keras(keras, tmp_path):
    saved = []
    for module in (keras.callbacks, callbacks):
        model = _Model()
        checkpoint = module.ModelCheckpoint(str(tmp_path / "b{epoch}-{batch}.keras"), save_freq=3)
        checkpoint.set_model(model)
        checkpoint.on_train_begin()
        for epoch in range(2):
            checkpoint.on_epoch_begin(epoch)
            for batch in range(5):
                checkpoint.on_train_batch_end(batch, {"loss": 1.0})
            checkpoint.on_epoch_end(epoch, {"loss": 1.0})
        saved.append(model.saved)
    assert saved[1] == saved[0] and saved[1]


def test_learning_rate_scheduler_like_keras(keras):
    schedule = lambda epoch, lr: lr * 0.5 if epoch % 2 else lr  # noqa: E731
    traces = []
    for module, optimizers in ((keras.callbacks, keras.optimizers), (callbacks, lamina.optimizers)):
        model = _Model(optimizers.SGD(0.4))
        scheduler = module.LearningRateScheduler(schedule)
        scheduler.set_model(model)
        trace = []
        for epoch in range(5):
            scheduler.on_epoch_begin(epoch)
            logs = {"loss": 1.0}
            scheduler.on_epoch_end(epoch, logs)
            trace.append(logs["learning_rate"])
        traces.append(trace)
    np.testing.assert_allclose(traces[1], traces[0], rtol=1e-6)


def test_csv_logger_writes_what_keras_writes(keras, tmp_path):
    contents = []
    for name, module in (("keras", keras.callbacks), ("lamina", callbacks)):
        path = tmp_path / f"{name}.csv"
        for append in (False, True):  # a second run appends without a second header
            logger = module.CSVLogger(str(path), append=append)
            logger.on_train_begin()
            for epoch in range(2):
                logger.on_epoch_end(epoch, {"loss": 0.5 / (epoch + 1), "acc": 0.25 * epoch})
            logger.on_train_end()
        contents.append(path.read_text())
    assert contents[1] == contents[0]
    rows = list(csv.reader(contents[1].splitlines()))
    assert rows[0] == ["epoch", "acc", "loss", "val_acc", "val_loss"] and len(rows) == 5


def test_history_in_fit_matches_keras_with_reduce_lr(keras):
    x, y = _data()
    reference, model = _pair(keras)
    kwargs = dict(epochs=3, batch_size=32, validation_data=(x[:40], y[:40]), verbose=0, shuffle=False)
    expected = reference.fit(x, y, callbacks=[keras.callbacks.ReduceLROnPlateau(patience=1)], **kwargs).history
    got = model.fit(x, y, callbacks=[callbacks.ReduceLROnPlateau(patience=1)], **kwargs).history
    assert list(got) == list(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], atol=1e-4, err_msg=key)
