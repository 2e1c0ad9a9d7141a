"""``History``: the per-epoch record that ``fit`` returns.

``history.history`` maps each logged name to its list of per-epoch values, with
Keras 3's keys: the metric as the user spelled it (``'acc'`` gives ``'acc'`` and
``'val_acc'``). Programs written for Keras 2 read other spellings
(``history.history['val_mean_absolute_error']`` after ``metrics=['mae']``, ``'acc'``
after ``metrics=['accuracy']``); those resolve as aliases on lookup, without
appearing among the keys.

Example:
    >>> h = History(); h.on_train_begin()
    >>> h.on_epoch_end(0, {"loss": 1.0, "mae": 0.5, "val_mae": 0.75})
    >>> sorted(h.history), h.history["val_mean_absolute_error"]
    (['loss', 'mae', 'val_mae'], [0.75])
"""
from lamina.callbacks.callback import Callback

# Groups of names Keras 2 and Keras 3 programs use for the same logged metric.
_SYNONYMS = (
    ("acc", "accuracy"),
    ("mae", "mean_absolute_error"),
    ("mse", "mean_squared_error"),
    ("mape", "mean_absolute_percentage_error"),
    ("msle", "mean_squared_logarithmic_error"),
    ("kld", "kl_divergence", "kullback_leibler_divergence"),
    ("ce", "crossentropy"),
    ("cosine_proximity", "cosine_similarity"),
    ("logcosh", "log_cosh"),
    ("lr", "learning_rate"),
)
_ALIASES = {name: group for group in _SYNONYMS for name in group}


def _candidates(key):
    """Other spellings of ``key``, keeping any ``val_`` and output-name prefix."""
    if not isinstance(key, str):
        return []
    out = []
    for split in range(len(key)):
        if split and key[split - 1] != "_":
            continue
        prefix, name = key[:split], key[split:]
        for other in _ALIASES.get(name, ()):
            if other != name:
                out.append(prefix + other)
    return out


class HistoryDict(dict):
    """A dict of metric histories whose lookups also accept the Keras 2 / Keras 3 synonyms.

    Only ``[]``, ``get`` and ``in`` resolve synonyms; iteration, ``keys()`` and
    ``len`` show the real keys.

    Example:
        >>> d = HistoryDict({"val_accuracy": [0.9]})
        >>> d["val_acc"], "val_acc" in d, list(d)
        ([0.9], True, ['val_accuracy'])
    """

    def _resolve(self, key):
        for other in _candidates(key):
            if dict.__contains__(self, other):
                return other
        return None

    def __missing__(self, key):
        other = self._resolve(key)
        if other is None:
            raise KeyError(
                f"{key!r} is not in the training history; the recorded names are {sorted(self)}"
            )
        return dict.__getitem__(self, other)

    def __contains__(self, key):
        return dict.__contains__(self, key) or self._resolve(key) is not None

    def get(self, key, default=None):
        return self[key] if key in self else default


class History(Callback):
    """Records the logs of every epoch (``keras.callbacks.History``); ``fit`` returns it.

    Attributes:
        history: :class:`HistoryDict` of name -> list of per-epoch values.
        epoch: the epoch indices recorded.
        params: the training parameters (``verbose``, ``epochs``, ``steps``).
        model: the model.

    Example:
        >>> h = History(); h.on_train_begin()
        >>> for epoch, loss in enumerate([0.9, 0.5]):
        ...     h.on_epoch_end(epoch, {"loss": loss})
        >>> h.history["loss"], h.epoch
        ([0.9, 0.5], [0, 1])
    """

    def __init__(self):
        super().__init__()
        self.history = HistoryDict()
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
