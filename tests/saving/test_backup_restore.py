"""BackupAndRestore: a run interrupted mid-epoch and run again ends with the weights of an uninterrupted run."""
import os
import signal
import warnings

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.callbacks import Callback, CallbackList
from lamina.saving import BackupAndRestore, LoadError
from lamina.training.data import make_adapter

EPOCHS, BATCH, SAMPLES = 3, 8, 48  # 6 batches per epoch


class Interrupt(Exception):
    pass


class CrashAt(Callback):
    """Stop the run after batch ``at = (epoch, batch)``: by an exception, or by SIGKILL of the process."""

    def __init__(self, at, kill=False):
        super().__init__()
        self.at, self.kill, self.epoch, self.steps = at, kill, 0, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if (self.epoch, batch) == self.at:
            if self.kill:
                os.kill(os.getpid(), signal.SIGKILL)
            raise Interrupt()


def _data():
    rng = np.random.default_rng(0)
    return rng.random((SAMPLES, 5), dtype=np.float32), rng.random((SAMPLES, 1), dtype=np.float32)


def _model():
    """Same seed, same model, same compile: what a script does every time it starts."""
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([layers.Input((5,)), layers.Dense(8, activation="relu"), layers.Dropout(0.3),
                               layers.Dense(1)])
    schedule = lamina.optimizers.schedules.ExponentialDecay(0.02, decay_steps=4, decay_rate=0.8)
    model.compile(optimizer=lamina.optimizers.Adam(schedule), loss="mse")
    return model


def _fit(backup_dir=None, crash=None, save_freq=2, fit=None):
    model = _model()
    x, y = _data()
    counter = CrashAt(crash or (-1, -1), kill=False)
    callbacks = [BackupAndRestore(backup_dir, save_freq=save_freq)] if backup_dir else []
    callbacks.append(counter)
    try:
        (fit or _keras_fit)(model, x, y, callbacks)
    except Interrupt:
        return None, counter.steps
    return model, counter.steps


def _keras_fit(model, x, y, callbacks):
    model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, callbacks=callbacks, verbose=0)


def _protocol_fit(model, x, y, callbacks):
    """A training loop that follows the resume protocol BackupAndRestore documents: after on_train_begin it
    starts at ``model._initial_epoch`` and skips ``model._initial_step`` batches of that epoch (drawing the same
    permutation) without training them."""
    callback_list = CallbackList(callbacks, model=model, epochs=EPOCHS, steps=SAMPLES // BATCH, verbose=0)
    adapter = make_adapter(x, y, None, BATCH, True, None, None, model._device(), "fit")
    callback_list.on_train_begin()
    start = getattr(model, "_initial_epoch", 0) or 0
    skip = getattr(model, "_initial_step", 0) or 0
    for epoch in range(start, EPOCHS):
        callback_list.on_epoch_begin(epoch)
        for index, (bx, by, _) in enumerate(adapter):
            if epoch == start and index < skip:
                continue
            callback_list.on_train_batch_begin(index)
            model.train_on_batch(bx, by)
            callback_list.on_train_batch_end(index, {})
        callback_list.on_epoch_end(epoch, {})
    callback_list.on_train_end()


def _same_weights(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights()))


@pytest.mark.parametrize("save_freq,crash", [(2, (1, 2)), ("epoch", (2, 3)), (5, (0, 5)), (1, (2, 5)),
                                             (6, (1, 2))])
def test_protocol_loop_resumes_mid_epoch_exactly_and_skips_the_done_work(tmp_path, save_freq, crash):
    reference, total = _fit(fit=_protocol_fit)
    assert total == EPOCHS * SAMPLES // BATCH
    crashed, done = _fit(tmp_path, crash, save_freq, fit=_protocol_fit)
    assert crashed is None and os.path.exists(tmp_path / "backup.zip")
    resumed, ran = _fit(tmp_path, None, save_freq, fit=_protocol_fit)
    assert _same_weights(reference, resumed)
    per_epoch = SAMPLES // BATCH
    saved = (done // save_freq) * save_freq if save_freq != "epoch" else (done // per_epoch) * per_epoch
    assert ran == total - saved  # only the batches after the last backup ran again
    assert int(resumed.optimizer.iterations) == total
    assert not os.path.exists(tmp_path / "backup.zip")  # deleted once fit finished


@pytest.mark.parametrize("save_freq,crash", [(2, (1, 2)), ("epoch", (2, 1))])
def test_fit_resumes_exactly(tmp_path, save_freq, crash):
    reference, _ = _fit()
    crashed, _ = _fit(tmp_path, crash, save_freq)
    assert crashed is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a loop without the resume hooks warns that it replays the done batches
        resumed, _ = _fit(tmp_path, None, save_freq)
    assert _same_weights(reference, resumed)
    assert not os.path.exists(tmp_path / "backup.zip")


def test_fit_skips_the_done_batches(tmp_path):
    """fit honours model._initial_epoch / model._initial_step (see docs/saving.md): done batches are not rerun."""
    _fit(tmp_path, (1, 3), 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed, ran = _fit(tmp_path, None, 2)
    assert not any("does not skip the work already done" in str(w.message) for w in caught)
    assert ran == EPOCHS * SAMPLES // BATCH - 10


def test_process_killed_with_sigkill_resumes_exactly(tmp_path):
    reference, _ = _fit(fit=_protocol_fit)
    pid = os.fork()
    if pid == 0:  # the child: train until it kills itself mid-epoch, after a backup
        try:
            model = _model()
            x, y = _data()
            _protocol_fit(model, x, y, [BackupAndRestore(tmp_path, save_freq=3), CrashAt((1, 4), kill=True)])
        finally:
            os._exit(3)  # only reached if the kill did not happen
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    resumed, ran = _fit(tmp_path, None, 3, fit=_protocol_fit)
    assert _same_weights(reference, resumed)
    assert ran == EPOCHS * SAMPLES // BATCH - 9


def test_damaged_backups(tmp_path):
    _fit(tmp_path, (1, 2), 2, fit=_protocol_fit)
    data = (tmp_path / "backup.zip").read_bytes()
    (tmp_path / "backup.zip").write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError, match="no readable backup in .*truncated|no readable backup"):
        _fit(tmp_path, None, 2, fit=_protocol_fit)
    # with double_checkpoint the previous backup is used when the latest is damaged
    double = tmp_path / "double"
    model, x, y = _model(), *_data()
    try:
        _protocol_fit(model, x, y, [BackupAndRestore(double, save_freq=2, double_checkpoint=True),
                                    CrashAt((1, 3))])
    except Interrupt:
        pass
    assert (double / "backup.prev.zip").exists()
    (double / "backup.zip").write_bytes(b"garbage")
    model, x, y = _model(), *_data()
    _protocol_fit(model, x, y, [BackupAndRestore(double, save_freq=2, double_checkpoint=True)])
    reference, _ = _fit(fit=_protocol_fit)
    assert _same_weights(reference, model)


def test_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="save_freq must be 'epoch' or a positive number of batches; received 0"):
        BackupAndRestore(tmp_path, save_freq=0)
    with pytest.raises(ValueError, match="backup_dir"):
        BackupAndRestore("")
    assert lamina.callbacks.BackupAndRestore is BackupAndRestore
