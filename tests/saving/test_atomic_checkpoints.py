"""Kill test: a training process SIGKILLed at random moments while ModelCheckpoint writes leaves a whole file.

Each trial forks a process that trains a tiny model and checkpoints after every
batch; before each save it logs the state it is about to write (step number and
a hash of every tensor), after the save it logs that the save returned. The
parent kills it after a random delay, then checks that the checkpoint on disk
loads and is exactly the last completed save or the one in progress.
"""
import hashlib
import os
import random
import signal
import time

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.callbacks import Callback, ModelCheckpoint
from lamina.saving import load_model, register_lamina_serializable
from lamina.saving.tensor_store import model_state


@register_lamina_serializable(package="tests_saving")
class Stamp(layers.Layer):
    """Passes its input through; holds the number of the save in a non-trainable weight."""

    def build(self, input_shape):
        self.stamp = self.add_weight(shape=(), initializer="zeros", trainable=False, name="stamp")

    def call(self, inputs):
        return inputs


def state_hash(model):
    digest = hashlib.sha256()
    for key, tensor in model_state(model).items():
        digest.update(key.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


class Journal(Callback):
    """Before the checkpoint: stamp the model and log 'intent step hash'; after it: log 'done step'."""

    def __init__(self, log, phase):
        super().__init__()
        self.log, self.phase, self.step = log, phase, 0

    def on_train_batch_end(self, batch, logs=None):
        if self.phase == "before":
            self.step += 1
            stamp = self.model.layers[-1].stamp
            stamp.assign(float(self.step))
            line = f"intent {self.step} {state_hash(self.model)}\n"
        else:
            self.step += 1
            line = f"done {self.step}\n"
        with open(self.log, "a") as handle:
            handle.write(line)
            handle.flush()


def _child(path, log, ready_fd):
    lamina.utils.set_random_seed(random.randrange(1000))
    model = lamina.Sequential([layers.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(3), Stamp()])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.rand(64, 6).astype("float32")
    y = np.random.rand(64, 3).astype("float32")
    os.write(ready_fd, b"1")
    callbacks = [Journal(log, "before"), ModelCheckpoint(path, save_freq=1, save_best_only=False),
                 Journal(log, "after")]
    model.fit(x, y, batch_size=8, epochs=10**6, callbacks=callbacks, verbose=0)


def _trial(directory, suffix, delay):
    path = os.path.join(directory, f"checkpoint{suffix}")
    log = os.path.join(directory, "journal.txt")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_fd)
            _child(path, log, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    os.read(read_fd, 1)  # the child is about to train
    os.close(read_fd)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    intents, done = {}, 0
    with open(log) as handle:
        for line in handle:
            parts = line.split()
            if parts[0] == "intent" and len(parts) == 3:
                intents[int(parts[1])] = parts[2]
            elif parts[0] == "done" and len(parts) == 2:
                done = int(parts[1])
    if not os.path.exists(path):
        assert done == 0, "a save returned but its file is missing"
        return None
    model = load_model(path)
    step = int(model.layers[-1].stamp.numpy())
    assert step in (done, done + 1), f"the file holds save {step}; the last completed save was {done}"
    assert state_hash(model) == intents[step], f"save {step} on disk differs from what was written"
    return step - done


def _run_trials(tmp_path, count, seed):
    chooser = random.Random(seed)
    outcomes = []
    for trial in range(count):
        directory = tmp_path / f"trial{trial}"
        directory.mkdir()
        suffix = ".keras" if trial % 3 else ".h5"
        outcomes.append(_trial(str(directory), suffix, chooser.uniform(0.05, 0.4)))
    return outcomes


@pytest.mark.slow
def test_sigkill_during_checkpoint_writes_fifty_trials(tmp_path):
    outcomes = _run_trials(tmp_path, 50, seed=1)
    saved = [o for o in outcomes if o is not None]
    assert len(saved) >= 40  # most trials got past the first save (the test exercises replacement)
    assert all(o in (0, 1) for o in saved)


def test_sigkill_during_checkpoint_writes_quick(tmp_path):
    outcomes = _run_trials(tmp_path, 6, seed=2)
    assert all(o in (None, 0, 1) for o in outcomes) and any(o is not None for o in outcomes)
