"""lamina's callbacks inside real ``fit`` runs: stopping, saving, logging, warnings, and what they cost."""
import glob
import io
import math
import os
import warnings

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers
from lamina.callbacks.history import HistoryDict
from lamina.training.progress import Progbar

RNG = np.random.RandomState(0)
X = RNG.normal(size=(64, 4)).astype("float32")
Y = (X[:, :1] > 0).astype("float32")


def _model():
    model = lamina.Sequential([layers.Dense(4, activation="relu", input_shape=(4,)),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
    return model


def test_history_resolves_keras_2_and_keras_3_spellings():
    history = HistoryDict({"acc": [0.5], "val_mae": [1.0], "income_accuracy": [0.2], "lr": [0.1]})
    assert history["accuracy"] == [0.5] and history["val_mean_absolute_error"] == [1.0]
    assert history["income_acc"] == [0.2] and history["learning_rate"] == [0.1]
    assert "val_mean_absolute_error" in history and history.get("mse") is None
    assert sorted(history) == ["acc", "income_accuracy", "lr", "val_mae"]  # only the real keys are listed
    with pytest.raises(KeyError, match=r"'val_acc' is not in the training history; the recorded names are"):
        history["val_acc"]


def test_fit_history_answers_to_legacy_names():
    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(X, Y, epochs=2, validation_split=0.25, verbose=0)
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert history.history["val_mean_absolute_error"] == history.history["val_mae"]
    assert model.history is history and history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 2}


def test_monitoring_a_quantity_that_is_not_logged_warns_once_naming_it():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _model().fit(X, Y, epochs=3, verbose=0, callbacks=[callbacks.EarlyStopping(monitor="CrossEntropyLoss")])
    messages = [str(w.message) for w in caught if "CrossEntropyLoss" in str(w.message)]
    assert len(messages) == 1
    assert "'CrossEntropyLoss'" in messages[0] and "acc, loss" in messages[0]


def test_early_stopping_restores_the_best_weights():
    model = _model()
    seen = []
    record = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(
        (logs["loss"], [w.copy() for w in model.get_weights()])))
    stop = callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True, mode="max")
    model.fit(X, Y, epochs=10, verbose=0, callbacks=[record, stop])
    assert stop.stopped_epoch == 2  # "max" of a falling loss: the first epoch stays the best
    for restored, best in zip(model.get_weights(), seen[stop.best_epoch][1]):
        np.testing.assert_array_equal(restored, best)


def test_terminate_on_nan_stops_at_the_first_bad_batch(capsys):
    bad = X.copy()
    bad[40] = np.nan
    batches = []
    history = _model().fit(bad, Y, epochs=5, batch_size=16, shuffle=False, verbose=0, callbacks=[
        callbacks.TerminateOnNaN(), callbacks.LambdaCallback(on_batch_end=lambda batch, logs: batches.append(batch))])
    assert batches == [0, 1, 2] and len(history.history["loss"]) == 1
    assert math.isnan(history.history["loss"][0])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="the loss at batch 2 is nan"):
        _model().fit(bad, Y, epochs=1, batch_size=16, shuffle=False, verbose=0,
                     callbacks=[callbacks.TerminateOnNaN(raise_error=True)])


def test_model_checkpoint_writes_a_loadable_model(tmp_path):
    model = _model()
    path = str(tmp_path / "best-{epoch:02d}.keras")
    model.fit(X, Y, epochs=3, verbose=0, validation_split=0.25,
              callbacks=[callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True)])
    files = sorted(glob.glob(str(tmp_path / "best-*.keras")))
    assert files and files[0].endswith("best-01.keras")
    restored = lamina.models.load_model(files[-1])
    assert restored.predict(X[:3], verbose=0).shape == (3, 1)


def test_model_checkpoint_rejects_paths_it_cannot_write():
    with pytest.raises(ValueError, match=r"must end in one of \.keras, \.h5, \.hdf5"):
        callbacks.ModelCheckpoint("model.pt")
    with pytest.raises(ValueError, match="must end in one of .weights.h5"):
        callbacks.ModelCheckpoint("model.keras", save_weights_only=True)
    with pytest.raises(KeyError, match=r"cannot fill filepath=.*'val_acc' is not logged.*epoch, loss"):
        callbacks.ModelCheckpoint("m-{val_acc}.keras").file_path(0, None, {"loss": 1.0})


def test_csv_logger_and_tensorboard_in_fit(tmp_path):
    csv_path, log_dir = tmp_path / "log.csv", tmp_path / "tb"
    _model().fit(X, Y, epochs=2, verbose=0, validation_split=0.25, callbacks=[
        callbacks.CSVLogger(str(csv_path)), callbacks.TensorBoard(str(log_dir), histogram_freq=1, update_freq=1)])
    lines = csv_path.read_text().splitlines()
    assert lines[0] == "epoch,acc,loss,val_acc,val_loss" and len(lines) == 3
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    train = EventAccumulator(str(log_dir / "train"), size_guidance={"histograms": 0}).Reload()
    validation = EventAccumulator(str(log_dir / "validation")).Reload()
    assert {"epoch_loss", "epoch_acc", "epoch_learning_rate", "batch_loss"} <= set(train.Tags()["scalars"])
    assert {"epoch_loss", "epoch_acc"} <= set(validation.Tags()["scalars"])
    assert [e.step for e in train.Scalars("epoch_loss")] == [0, 1]
    assert any("kernel" in tag for tag in train.Tags()["histograms"])


def test_per_batch_logs_are_computed_only_when_a_callback_reads_them():
    model = _model()
    calls = []
    original = model.get_metrics_result

    def counting():
        calls.append(1)
        return original()

    model.get_metrics_result = counting
    epoch_only = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0, callbacks=[epoch_only])
    assert len(calls) == 2  # once per epoch, not once per batch (8 batches)
    calls.clear()
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0,
              callbacks=[callbacks.LambdaCallback(on_batch_end=lambda batch, logs: None)])
    assert len(calls) == 2 + 16


def test_batch_logs_hold_the_running_metrics_as_floats():
    seen = []
    _model().fit(X, Y, epochs=1, batch_size=16, verbose=0,
                 callbacks=[callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(logs))])
    assert len(seen) == 4 and all(set(entry) == {"acc", "loss"} for entry in seen)
    assert all(isinstance(v, float) for entry in seen for v in entry.values())


def test_callback_list_rejects_things_that_are_not_callbacks():
    with pytest.raises(TypeError, match=r"callbacks\[0\] must be a Callback.*str"):
        _model().fit(X, Y, verbose=0, callbacks=["early_stopping"])
    with pytest.raises(TypeError, match="unknown hook"):
        callbacks.LambdaCallback(on_epoch_ending=print)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"mode must be one of \('auto', 'min', 'max'\); received mode='minimum'"):
        callbacks.EarlyStopping(mode="minimum")
    with pytest.raises(ValueError, match="factor must be in"):
        callbacks.ReduceLROnPlateau(factor=1.5)
    with pytest.raises(ValueError, match="the schedule must return a float.*'fast'"):
        model = _model()
        model.fit(X, Y, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda epoch: "fast")])


def test_reduce_lr_on_plateau_accepts_keras_2_epsilon():
    assert callbacks.ReduceLROnPlateau(epsilon=0.01).min_delta == 0.01


def test_learning_rate_scheduler_drives_the_optimizer_in_fit():
    model = _model()
    history = model.fit(X, Y, epochs=3, verbose=0,
                        callbacks=[callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))])
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.05, 0.1 / 3], rtol=1e-6)
    assert history.history["lr"] == history.history["learning_rate"]


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_output_verbose_2_and_non_terminal_verbose_1(capsys):
    model = _model()
    model.fit(X, Y, epochs=2, batch_size=16, verbose=2, validation_split=0.25)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert lines[1].startswith("3/3 - ") and "/step - acc: " in lines[1] and " - val_loss: " in lines[1]
    model.fit(X, Y, epochs=1, batch_size=16, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].startswith("4/4 ━━━━") and "- loss: " in lines[1]  # one line, no live bar
    model.evaluate(X, Y, batch_size=16)
    assert capsys.readouterr().out.startswith("4/4 ━━━━")


def test_live_bar_on_a_terminal_shows_eta_and_metrics_then_the_final_line():
    out = _Terminal()
    bar = Progbar(10, verbose=1, interval=0.0, file=out)
    for step in range(1, 10):
        bar.update(step, {"loss": 1.0 / step}, finalize=False)
    bar.update(10, {"loss": 0.1, "val_loss": 0.2}, finalize=True)
    text = out.getvalue()
    assert "ETA: " in text and "9/10" in text and "loss: 0.1111" in text
    assert text.rstrip().splitlines()[-1].strip().startswith("10/10 ━━━━") and "val_loss: 0.2000" in text


def test_progbar_reads_its_values_only_when_it_redraws():
    reads = []
    bar = Progbar(100, verbose=1, interval=3600.0, file=_Terminal())
    for step in range(1, 100):
        bar.update(step, lambda: reads.append(step) or {"loss": 1.0}, finalize=False)
    assert len(reads) <= 1  # the first draw at most; then nothing for an hour
    bar.update(100, lambda: reads.append(100) or {"loss": 1.0}, finalize=True)
    assert reads[-1] == 100


def test_remote_monitor_and_friends_are_importable_names():
    for name in ("Callback", "CallbackList", "History", "ProgbarLogger", "EarlyStopping", "ModelCheckpoint",
                 "ReduceLROnPlateau", "LearningRateScheduler", "CSVLogger", "LambdaCallback", "TerminateOnNaN",
                 "TensorBoard"):
        assert hasattr(callbacks, name), name
    assert os.path.basename(callbacks.__file__) == "__init__.py"
