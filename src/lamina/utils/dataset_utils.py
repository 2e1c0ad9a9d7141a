"""Indexing a folder of class sub-folders, and Keras's training/validation split.

The ``*_dataset_from_directory`` functions (text here, images in ``image_dataset``)
share these steps, so they list files, order them, shuffle them and split them
exactly as Keras does: for the same folder, ``seed`` and ``validation_split``, the
same files land in the training and validation subsets.

Example:
    >>> import os, tempfile
    >>> root = tempfile.mkdtemp()
    >>> for name in ("cats/a.txt", "dogs/b.txt", "dogs/c.txt"):
    ...     os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
    ...     open(os.path.join(root, name), "w").close()
    >>> paths, labels, classes = index_directory(root, "inferred", (".txt",), shuffle=False, verbose=False)
    >>> [os.path.relpath(p, root) for p in paths], labels.tolist(), classes
    (['cats/a.txt', 'dogs/b.txt', 'dogs/c.txt'], [0, 1, 1], ['cats', 'dogs'])
"""
import os

import numpy as np

LABEL_MODES = ("int", "categorical", "binary", None)
SUBSETS = ("training", "validation", "both", None)


def check_validation_split_arg(validation_split, subset, shuffle, seed, caller="dataset_from_directory"):
    """Reject inconsistent ``validation_split`` / ``subset`` / ``seed`` combinations.

    Example:
        >>> check_validation_split_arg(0.2, "training", True, 1)
    """
    if validation_split is not None and not 0 <= validation_split < 1:
        raise ValueError(f"{caller}: validation_split must be in [0, 1); received validation_split={validation_split!r}")
    if subset not in SUBSETS:
        raise ValueError(f"{caller}: subset must be one of {SUBSETS}; received subset={subset!r}")
    if bool(validation_split) != bool(subset):
        raise ValueError(
            f"{caller}: validation_split and subset go together (set both or neither); "
            f"received validation_split={validation_split!r}, subset={subset!r}"
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            f"{caller}: with validation_split and shuffle=True, pass a seed so that the training and "
            "validation subsets (made by two separate calls) do not overlap"
        )


def _class_subdirectories(directory):
    return [
        name
        for name in sorted(os.listdir(directory))
        if not name.startswith(".") and os.path.isdir(os.path.join(directory, name))
    ]


def _files_under(directory, formats, follow_links):
    """Relative paths of matching files under ``directory``, in Keras's order (sorted folders, sorted names)."""
    found = []
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                found.append(os.path.relpath(os.path.join(root, name), directory))
    return found


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False,
                    verbose=True, caller="dataset_from_directory"):
    """List the files of ``directory`` whose names end with one of ``formats``, with their labels.

    Args:
        directory: the root folder.
        labels: ``"inferred"`` (one class per sub-folder, alphanumeric order unless
            ``class_names`` orders them), ``None`` (no labels) or a list of integer labels,
            one per file in sorted path order.
        formats: tuple of lower-case extensions, e.g. ``(".txt",)``.
        class_names: explicit class (sub-folder) names and their order.
        shuffle: shuffle the file list with ``numpy.random.RandomState(seed)`` (as Keras);
            otherwise keep the sorted order.
        seed: shuffling seed (random when ``None``).
        follow_links: descend into symbolic links to folders.
        verbose: print how many files and classes were found.

    Returns:
        ``(file_paths, labels, class_names)``: a list of paths, an int32 array of labels
        (or ``None``) and the list of class names (or ``None``).

    Example:
        >>> import tempfile
        >>> index_directory(tempfile.mkdtemp(), None, (".txt",), verbose=False)
        ([], None, None)
    """
    if not os.path.isdir(directory):
        raise ValueError(f"{caller}: directory {directory!r} does not exist or is not a folder")
    if labels == "inferred":
        subdirs = _class_subdirectories(directory)
        if class_names is not None:
            unknown = [name for name in class_names if name not in subdirs]
            if unknown:
                raise ValueError(
                    f"{caller}: class_names {list(class_names)} name folders that are not sub-folders of "
                    f"{directory!r}: {unknown}; the sub-folders are {subdirs}"
                )
            subdirs = list(class_names)
    else:
        if class_names is not None:
            raise ValueError(
                f"{caller}: class_names can only be given with labels='inferred'; received labels={labels!r}"
            )
        subdirs = [""]

    file_paths, label_list = [], []
    for index, subdir in enumerate(subdirs):
        folder = os.path.join(directory, subdir)
        for relative in _files_under(folder, formats, follow_links):
            file_paths.append(os.path.join(folder, relative))
            label_list.append(index)

    if labels == "inferred":
        label_array = np.asarray(label_list, dtype="int32")
        class_names = list(subdirs)
    elif labels is None:
        label_array, class_names = None, None
    else:
        if isinstance(labels, str) or not hasattr(labels, "__len__"):
            raise ValueError(
                f"{caller}: labels must be 'inferred', None or a list of integer labels (one per file); "
                f"received labels={labels!r}"
            )
        if len(labels) != len(file_paths):
            raise ValueError(
                f"{caller}: labels has {len(labels)} entries but {len(file_paths)} files matching {formats} "
                f"were found in {directory!r}"
            )
        label_array = np.asarray(labels)
        if label_array.size and not np.issubdtype(label_array.dtype, np.integer):
            raise ValueError(f"{caller}: labels must be integers; received dtype {label_array.dtype}")
        label_array = label_array.astype("int32")
        class_names = [str(label) for label in sorted(set(label_array.tolist()))]

    if verbose:
        if label_array is None:
            print(f"Found {len(file_paths)} files.")
        else:
            print(f"Found {len(file_paths)} files belonging to {len(class_names)} classes.")

    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return file_paths, label_array, class_names


def get_training_or_validation_split(samples, labels, validation_split, subset, verbose=True):
    """Keep the first ``1 - validation_split`` of ``samples`` for ``"training"``, the rest for ``"validation"``.

    Example:
        >>> get_training_or_validation_split(list("abcde"), None, 0.4, "validation", verbose=False)
        (['d', 'e'], None)
    """
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    cut = len(samples) - num_val
    if subset == "training":
        if verbose:
            print(f"Using {cut} files for training.")
        part = slice(0, cut)
    elif subset == "validation":
        if verbose:
            print(f"Using {num_val} files for validation.")
        part = slice(cut, len(samples))
    else:
        raise ValueError(f"subset must be 'training' or 'validation' here; received subset={subset!r}")
    return samples[part], (None if labels is None else labels[part])


def encode_labels(labels, label_mode, num_classes):
    """Integer labels in Keras's output encoding: int32 ``(n,)``, float32 ``(n, 1)`` or one-hot float32.

    Example:
        >>> encode_labels(np.array([0, 2]), "categorical", 3).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    labels = np.asarray(labels)
    if label_mode == "int":
        return labels.astype("int32")
    if label_mode in ("binary", "categorical") and labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"label_mode={label_mode!r} needs labels in [0, {num_classes}) for {num_classes} classes; "
            f"received labels in [{labels.min()}, {labels.max()}]"
        )
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    raise ValueError(f"label_mode must be one of {LABEL_MODES}; received label_mode={label_mode!r}")
