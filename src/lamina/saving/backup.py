"""``BackupAndRestore``: resume an interrupted ``fit`` exactly where it stopped.

The backup (``<backup_dir>/backup.zip``, written atomically) holds everything
the rest of the run depends on:

- the weights and the optimizer state (iteration count, hence the learning-rate
  schedule's step, and every slot);
- the epoch and the number of batches done in it;
- the random number generators: Python's ``random``, NumPy's global generator,
  torch's CPU (and CUDA) generators, and the ``SeedGenerator``s held by layers;
- the data order: the torch generator state from which the epoch's shuffling
  permutation is drawn, so the resumed epoch sees the same batches in the same
  order.

Running the same script again restores them and continues with the next batch;
on the CPU with a fixed seed the final weights equal those of an uninterrupted run
bit for bit. When ``fit`` returns normally the backup is deleted
(``delete_checkpoint=True``).

Resuming relies on two attributes the training loop reads after
``on_train_begin``: ``model._initial_epoch`` (the epoch to start from, as in Keras)
and ``model._initial_step`` (batches of that epoch to skip without training). A
training loop that ignores them still ends with the right weights: the callback
lets the already-done batches run again and then puts the saved state back.

Example:
    >>> import tempfile
    >>> callback = BackupAndRestore(tempfile.mkdtemp(), save_freq=100)
    >>> callback.save_freq
    100
"""
import os
import random
import warnings

import numpy as np
import torch

from lamina.callbacks.callback import Callback
from lamina.saving.archive import SafeArchive, write_archive
from lamina.saving.errors import LoadError
from lamina.saving.json_io import parse_json, to_json
from lamina.saving.tensor_store import assign, check_against, decode_tensors, encode_tensors, model_state

BACKUP_NAME = "backup.zip"
_FORMAT = "lamina.backup"


def _seed_generators(model):
    """``{key: SeedGenerator}`` for every SeedGenerator held as a layer attribute, keyed by position."""
    from lamina.random.seed_generator import SeedGenerator

    found = {}
    for index, layer in enumerate(model._flatten_layers()):
        for name, value in sorted(vars(layer).items()):
            if isinstance(value, SeedGenerator):
                found[f"{index}.{name}"] = value
    return found


def capture_rng():
    """The state of every global random generator: ``(json_part, {name: tensor})``.

    Example:
        >>> info, tensors = capture_rng()
        >>> sorted(tensors)[:2]
        ['rng/numpy', 'rng/torch']
    """
    version, keys, gauss = random.getstate()
    kind, np_keys, position, has_gauss, cached = np.random.get_state()
    info = {"python": [version, list(keys), gauss],
            "numpy": [kind, int(position), int(has_gauss), float(cached)]}
    tensors = {"rng/torch": torch.get_rng_state(), "rng/numpy": torch.from_numpy(np.asarray(np_keys, np.int64))}
    if torch.cuda.is_available():
        for index, state in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng/cuda/{index}"] = state
    return info, tensors


def restore_rng(info, tensors, label):
    """Put back a state taken by :func:`capture_rng`."""
    try:
        version, keys, gauss = info["python"]
        random.setstate((version, tuple(keys), gauss))
        kind, position, has_gauss, cached = info["numpy"]
        np.random.set_state((kind, tensors["rng/numpy"].numpy().astype(np.uint32), position, has_gauss, cached))
        torch.set_rng_state(tensors["rng/torch"])
        cuda = sorted(k for k in tensors if k.startswith("rng/cuda/"))
        if cuda and torch.cuda.is_available():
            torch.cuda.set_rng_state_all([tensors[k] for k in cuda])
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise LoadError(f"{label}: the random generator states are damaged ({error})") from None


def _prefixed(prefix, tensors):
    return {f"{prefix}{k}": v for k, v in tensors.items()}


class BackupAndRestore(Callback):
    """Back up the training state regularly; after a crash, the same ``fit`` call resumes from the backup.

    Args:
        backup_dir: directory for the backup (created if needed). Use one directory per run.
        save_freq: ``'epoch'`` (at the end of every epoch) or a number of batches.
        double_checkpoint: also keep the previous backup (``backup.prev.zip``), used if
            the latest cannot be read.
        delete_checkpoint: delete the backup when ``fit`` finishes normally.

    Example:
        >>> import numpy as np, tempfile
        >>> import lamina
        >>> model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> backup = BackupAndRestore(tempfile.mkdtemp(), save_freq=2)
        >>> _ = model.fit(np.ones((8, 2)), np.ones(8), batch_size=2, epochs=2, callbacks=[backup], verbose=0)
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir must be a directory path; received an empty value")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and not isinstance(save_freq, bool)
                                         and save_freq > 0):
            raise ValueError(
                f"BackupAndRestore: save_freq must be 'epoch' or a positive number of batches; received {save_freq!r}"
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._path = os.path.join(self.backup_dir, BACKUP_NAME)
        self._previous = os.path.join(self.backup_dir, "backup.prev.zip")
        self._epoch = 0
        self._batches = 0
        self._epoch_rng = None
        self._pending = None
        self._replaying = False

    # -- writing ------------------------------------------------------------------------------
    def _save(self, epoch, step, epoch_rng):
        model = self.model
        tensors = _prefixed("model/", model_state(model))
        optimizer = getattr(model, "optimizer", None)
        if getattr(optimizer, "built", False) and hasattr(optimizer, "variables"):
            tensors.update({f"optimizer/{i}": v for i, v in enumerate(optimizer.variables)})
        generators = _seed_generators(model)
        tensors.update({f"seed/{k}": g.state for k, g in generators.items()})
        rng_info, rng_tensors = capture_rng()
        tensors.update(_prefixed("now/", rng_tensors))
        epoch_info, epoch_tensors = epoch_rng
        tensors.update(_prefixed("epoch/", epoch_tensors))
        state = {"format": _FORMAT, "epoch": epoch, "step": step, "rng": rng_info, "epoch_rng": epoch_info}
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._path):
            os.replace(self._path, self._previous)
        write_archive(self._path, {"state.json": to_json(state).encode("utf-8"),
                                   "state.safetensors": encode_tensors(tensors, {"format": _FORMAT})},
                      compress=("state.json",))

    # -- reading ------------------------------------------------------------------------------
    def _read(self, path):
        with SafeArchive(path) as archive:
            state = parse_json(archive.read("state.json"), f"{path}: state.json")
            tensors = decode_tensors(archive.read("state.safetensors"), f"{path}: state.safetensors")
        if state.get("format") != _FORMAT or not isinstance(state.get("epoch"), int) or not isinstance(
                state.get("step"), int):
            raise LoadError(f"{path}: not a BackupAndRestore backup")
        return state, tensors

    def _load_backup(self):
        candidates = [p for p in (self._path, self._previous) if os.path.exists(p)]
        errors = []
        for path in candidates:
            try:
                return self._read(path)
            except LoadError as error:
                errors.append(str(error))
        if errors:
            raise LoadError("BackupAndRestore: no readable backup in "
                            f"{self.backup_dir!r}: {'; '.join(errors)}. Delete the directory to start afresh.")
        return None

    def _restore_training_state(self):
        """Weights, optimizer state and SeedGenerators from the pending backup."""
        state, tensors = self._pending
        label = self._path
        model = self.model
        current = model_state(model)
        entries = {k: (v.dtype, tuple(v.shape)) for k, v in tensors.items() if k.startswith("model/")}
        names = check_against(current, entries, f"{label}: the backup", prefix="model/")
        assign(current, {n: tensors[f"model/{n}"] for n in names}, names)
        count = sum(1 for k in tensors if k.startswith("optimizer/"))
        optimizer = getattr(model, "optimizer", None)
        if count and optimizer is not None and hasattr(optimizer, "load_own_variables"):
            if not optimizer.built:
                optimizer.build(model.trainable_weights)
            try:
                optimizer.load_own_variables({str(i): tensors[f"optimizer/{i}"] for i in range(count)})
            except ValueError as error:
                raise LoadError(f"{label}: the backup's optimizer state does not fit: {error}") from None
        for key, generator in _seed_generators(model).items():
            if f"seed/{key}" in tensors:
                generator.set_state(tensors[f"seed/{key}"])

    def _restore_rng(self, which):
        state, tensors = self._pending
        prefix = "epoch/" if which == "epoch" else "now/"
        info = state["epoch_rng"] if which == "epoch" else state["rng"]
        restore_rng(info, {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}, self._path)

    # -- hooks --------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._batches = 0
        self._replaying = False
        backup = self._load_backup()
        self._pending = backup
        if backup is None:
            return
        state, _ = backup
        self._restore_training_state()
        self.model._initial_epoch = state["epoch"]
        self.model._initial_step = state["step"]

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        if self._pending is not None:
            state, _ = self._pending
            if epoch < state["epoch"]:
                self._replay_warning()
                return
            self._restore_rng("epoch")  # the same generator state draws the same permutation
            if state["step"] == 0:
                self._restore_training_state()
                self._pending = None
        self._epoch_rng = capture_rng()

    def on_train_batch_begin(self, batch, logs=None):
        if self._pending is None:
            return
        state, _ = self._pending
        if self._epoch == state["epoch"] and batch == state["step"]:  # the loop skipped the done batches
            self._restore_training_state()
            self._restore_rng("now")
            self._pending = None
        elif self._epoch == state["epoch"] and batch < state["step"]:
            self._replay_warning()

    def on_train_batch_end(self, batch, logs=None):
        if self._pending is not None:
            state, _ = self._pending
            if self._epoch == state["epoch"] and batch == state["step"] - 1:  # replayed up to the backup
                self._restore_training_state()
                self._restore_rng("now")
                self._pending = None
            return
        if self.save_freq == "epoch":
            return
        self._batches += 1
        if self._batches % self.save_freq == 0:
            self._save(self._epoch, batch + 1, self._epoch_rng)

    def on_epoch_end(self, epoch, logs=None):
        if self._pending is not None:
            state, _ = self._pending
            if epoch == state["epoch"]:  # the backup was taken after the epoch's last batch: all were skipped
                self._restore_training_state()
                self._restore_rng("now")
                self._pending = None
            return
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0, capture_rng())

    def on_train_end(self, logs=None):
        for name in ("_initial_epoch", "_initial_step"):
            self.model.__dict__.pop(name, None)
        if self.delete_checkpoint:
            for path in (self._path, self._previous):
                if os.path.exists(path):
                    os.remove(path)
            try:
                os.rmdir(self.backup_dir)
            except OSError:
                pass  # not empty (other files) or already gone: leave it

    def _replay_warning(self):
        if not self._replaying:
            self._replaying = True
            warnings.warn(
                "BackupAndRestore: the training loop does not skip the work already done (it ignores "
                "model._initial_epoch / model._initial_step), so the done batches run again before the backup is "
                "restored. The final weights are the same; only time is lost.", stacklevel=3,
            )
