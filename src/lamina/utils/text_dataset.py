"""``text_dataset_from_directory``: ``.txt`` files in class folders as batches of ``(texts, labels)``.

Example:
    >>> import os, tempfile
    >>> root = tempfile.mkdtemp()
    >>> for label, text in (("neg", "awful"), ("pos", "great")):
    ...     os.makedirs(os.path.join(root, label))
    ...     with open(os.path.join(root, label, "1.txt"), "w") as f:
    ...         _ = f.write(text)
    >>> ds = text_dataset_from_directory(root, shuffle=False, verbose=False)
    >>> texts, labels = ds[0]
    >>> texts.tolist(), labels.tolist(), ds.class_names
    (['awful', 'great'], [0, 1], ['neg', 'pos'])
"""
import numpy as np

from lamina.utils import dataset_utils
from lamina.utils.py_dataset import BatchDataset

_CALLER = "text_dataset_from_directory"


class TextFileDataset(BatchDataset):
    """Batches of texts read from files on demand (see :func:`text_dataset_from_directory`).

    Each batch is ``texts`` (a NumPy object array of ``str``) or ``(texts, labels)``.

    Attributes:
        class_names: the class names, in label order (``None`` without labels).
        file_paths: the files, in the order of the current epoch.

    Example:
        >>> ds = TextFileDataset([], None, None, batch_size=2, max_length=None, class_names=None)
        >>> len(ds)
        0
    """

    def __init__(self, file_paths, labels, label_mode, batch_size, max_length, class_names, shuffle_seed=None):
        super().__init__()
        self.file_paths = list(file_paths)
        self.class_names = class_names
        self._labels = None if label_mode is None else dataset_utils.encode_labels(
            labels, label_mode, len(class_names) if class_names else 0
        )
        self.batch_size, self._max_length = batch_size, max_length
        self._order = np.arange(len(self.file_paths))
        self._rng = None if shuffle_seed is None else np.random.RandomState(shuffle_seed)

    def __len__(self):
        count = len(self.file_paths)
        return count if self.batch_size is None else -(-count // self.batch_size)

    def _read(self, position):
        with open(self.file_paths[position], encoding="utf-8") as handle:
            text = handle.read()
        return text if self._max_length is None else text[: self._max_length]

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"batch index {index} out of range for a dataset of {len(self)} batches")
        index %= len(self)
        if self.batch_size is None:
            position = self._order[index]
            text = self._read(position)
            return text if self._labels is None else (text, self._labels[position])
        positions = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        texts = np.empty(len(positions), dtype=object)
        texts[:] = [self._read(position) for position in positions]
        return texts if self._labels is None else (texts, self._labels[positions])

    def on_epoch_end(self):
        """With shuffling on, visit the files in a new order in the next epoch."""
        if self._rng is not None:
            self._order = self._rng.permutation(len(self.file_paths))


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True, **kwargs):
    """A dataset of texts from ``directory/<class>/*.txt`` (Keras 3's arguments, no TensorFlow).

    Files are listed, ordered, shuffled (``numpy.random.RandomState(seed)``) and split into
    training/validation exactly as Keras does, so the same seed puts the same files in
    each subset. Keras additionally shuffles the training files inside a ``tf.data``
    buffer; lamina instead visits them in a new random order after every epoch.

    Args:
        directory: folder with one sub-folder per class (for ``labels="inferred"``).
        labels: ``"inferred"``, ``None`` or a list of integer labels in sorted file order.
        label_mode: ``"int"`` (int32 ``(batch,)``), ``"categorical"`` (float32 one-hot),
            ``"binary"`` (float32 ``(batch, 1)``, exactly two classes) or ``None``.
        class_names: the sub-folders to use, in label order.
        batch_size: texts per batch, or ``None`` for single texts.
        max_length: keep only the first ``max_length`` characters of each text.
        shuffle, seed: shuffle the files (a seed is needed with ``validation_split``).
        validation_split, subset: fraction held out, and ``"training"``, ``"validation"``
            or ``"both"`` (returns the two datasets).
        follow_links: descend into symbolic links to folders.
        verbose: print how many files and classes were found.

    Returns:
        A :class:`TextFileDataset` (``BatchDataset``) with ``class_names``, or a pair of them
        for ``subset="both"``. Texts are NumPy object arrays of ``str`` (UTF-8 decoded).

    Example:
        >>> import tempfile
        >>> text_dataset_from_directory(tempfile.mkdtemp(), verbose=False)
        Traceback (most recent call last):
        ...
        ValueError: text_dataset_from_directory: no .txt files found in ...
    """
    fmt = kwargs.pop("format", None)
    if kwargs:
        raise TypeError(f"{_CALLER}: unexpected keyword arguments {sorted(kwargs)}")
    if fmt not in (None, "tf", "grain"):
        raise ValueError(f"{_CALLER}: unknown format={fmt!r}; lamina returns a BatchDataset")
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple, np.ndarray)):
        raise ValueError(
            f"{_CALLER}: labels must be 'inferred', None or a list of integer labels (one per .txt file); "
            f"received labels={labels!r}"
        )
    if label_mode not in dataset_utils.LABEL_MODES:
        raise ValueError(f"{_CALLER}: label_mode must be one of {dataset_utils.LABEL_MODES}; received {label_mode!r}")
    if batch_size is not None and (isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1):
        raise ValueError(f"{_CALLER}: batch_size must be a positive integer or None; received {batch_size!r}")
    if max_length is not None and (int(max_length) != max_length or max_length < 0):
        raise ValueError(f"{_CALLER}: max_length must be a non-negative integer or None; received {max_length!r}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed, caller=_CALLER)
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, label_array, class_names = dataset_utils.index_directory(
        directory, labels, (".txt",), class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose, caller=_CALLER,
    )
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f"{_CALLER}: label_mode='binary' needs exactly 2 classes; found class_names={class_names}")

    def make(subset_name, shuffled):
        paths, subset_labels = dataset_utils.get_training_or_validation_split(
            file_paths, label_array, validation_split, subset_name, verbose=verbose
        )
        if not paths:
            which = f"{subset_name} " if subset_name and validation_split else ""
            raise ValueError(f"{_CALLER}: no .txt files found in {directory!r} for the {which}dataset")
        return TextFileDataset(paths, subset_labels, label_mode, batch_size, max_length, class_names,
                               shuffle_seed=seed if shuffled else None)

    if subset == "both":
        return make("training", shuffle), make("validation", False)
    return make(subset, shuffle)
