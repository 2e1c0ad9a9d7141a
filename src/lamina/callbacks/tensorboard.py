"""``TensorBoard``: write training curves and weight histograms as TensorBoard event files.

Events go to ``<log_dir>/train`` and ``<log_dir>/validation`` (as Keras writes them):
``epoch_loss``, ``epoch_<metric>`` and ``epoch_learning_rate`` every epoch, ``batch_<name>``
every ``update_freq`` batches if asked, and histograms of every weight every
``histogram_freq`` epochs. View them with ``tensorboard --logdir <log_dir>``.
Needs the ``tensorboard`` package (``pip install 'lamina[tensorboard]'``).

Example:
    >>> import glob, os, tempfile
    >>> log_dir = tempfile.mkdtemp()
    >>> board = TensorBoard(log_dir)
    >>> board.on_train_begin(); board.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.7}); board.on_train_end()
    >>> sorted(os.path.basename(os.path.dirname(f)) for f in glob.glob(f"{log_dir}/*/events*"))
    ['train', 'validation']
"""
import os
import sys
import types

from lamina.callbacks.callback import Callback


def _summary_writer_class():
    # TensorBoard writes through tensorflow.io.gfile when `import tensorflow` works; under `lamina run` that
    # name is lamina's TensorFlow subset, which has no gfile. Its own stub writes local event files just as well.
    sys.modules.setdefault("tensorboard.compat.notf", types.ModuleType("tensorboard.compat.notf"))
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as error:
        raise ImportError(
            "The TensorBoard callback needs the tensorboard package, which is not installed. "
            "Install it with: pip install 'lamina[tensorboard]' (or pip install tensorboard)."
        ) from error
    return SummaryWriter


class TensorBoard(Callback):
    """Log metrics and weight histograms for TensorBoard (``keras.callbacks.TensorBoard``).

    Args:
        log_dir: directory for the event files.
        histogram_freq: write a histogram of every weight every this many epochs (0: never).
        write_graph, write_images, write_steps_per_second, profile_batch,
        embeddings_freq, embeddings_metadata: accepted for compatibility; lamina does
            not write graphs, images, profiles or embeddings.
        update_freq: ``'epoch'``, ``'batch'`` or a number of batches: how often the
            ``batch_`` scalars are written (each write costs a host sync).

    Example:
        >>> TensorBoard("logs", histogram_freq=1).histogram_freq
        1
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None, **kwargs):
        super().__init__()
        if kwargs:
            raise TypeError(f"TensorBoard: unexpected keyword argument(s) {sorted(kwargs)}")
        _summary_writer_class()  # fail now, not after the first epoch, if tensorboard is missing
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive int; received "
                             f"{update_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.update_freq = update_freq
        self._writers = {}
        self._step = 0
        if update_freq != "epoch":  # only then does it want per-batch logs (see callbacks.callback.overrides)
            self.on_train_batch_end = self._log_batch

    def _writer(self, name):
        writer = self._writers.get(name)
        if writer is None:
            writer = self._writers[name] = _summary_writer_class()(log_dir=os.path.join(self.log_dir, name))
        return writer

    def on_train_begin(self, logs=None):
        self._step = 0
        self._writer("train")

    def _log_batch(self, batch, logs=None):
        self._step += 1
        if self._step % self.update_freq:
            return
        writer = self._writer("train")
        for name, value in (logs or {}).items():
            if isinstance(value, (int, float)):
                writer.add_scalar(f"batch_{name}", value, self._step)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and "learning_rate" not in logs and hasattr(optimizer, "learning_rate"):
            logs["learning_rate"] = float(optimizer.learning_rate)
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        validation = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        for writer_name, values in (("train", train), ("validation", validation)):
            if not values:
                continue
            writer = self._writer(writer_name)
            for name, value in values.items():
                if isinstance(value, (int, float)):
                    writer.add_scalar(f"epoch_{name}", value, epoch)
            writer.flush()
        if self.histogram_freq and (epoch + 1) % self.histogram_freq == 0 and self.model is not None:
            writer = self._writer("train")
            for weight in self.model.weights:
                name = getattr(weight, "path", None) or getattr(weight, "name", "weight")
                writer.add_histogram(name.replace(":", "_"), weight.detach().cpu(), epoch)
            writer.flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
