"""The batch iterators behind ``ImageDataGenerator.flow*`` (Keras 2's ``Iterator`` family).

Each is a :class:`lamina.utils.PyDataset` (``len``, ``it[i]``, ``on_epoch_end``
reshuffles), which ``fit`` takes, and also an endless Python iterator
(``next(it)``, ``it.next()``) as in Keras 2, which ``fit_generator`` takes.

Randomness follows Keras: with ``seed`` given, batch ``k`` (counted over the
iterator's life) draws its shuffle and augmentations from
``numpy.random.RandomState(seed + k)``, the very numbers Keras draws after
``np.random.seed(seed + k)`` (lamina leaves NumPy's global generator alone); with
``seed=None`` the draws come from NumPy's global generator, which
``lamina.utils.set_random_seed`` seeds.

Example:
    >>> from lamina.preprocessing.image import ImageDataGenerator
    >>> it = ImageDataGenerator(horizontal_flip=True).flow(np.zeros((10, 4, 4, 1)), np.arange(10), batch_size=4, seed=0)
    >>> len(it), it[0][0].shape, next(it)[1].shape
    (3, (4, 4, 4, 1), (4,))
"""
import os
import threading
import warnings

import numpy as np

from lamina.core import config
from lamina.utils.image_utils import _check_color_mode, _check_size, img_to_array, load_img, save_img
from lamina.utils.py_dataset import PyDataset

SUBSETS = ("training", "validation")


class Iterator(PyDataset):
    """Base class of the image batch iterators.

    Subclasses set ``self.n`` samples and implement ``_get_batches_of_transformed_samples(index_array)``;
    random draws inside it come from ``self._rng`` (see the module docstring).

    Args:
        n: number of samples.
        batch_size: samples per batch.
        shuffle: shuffle the samples at the start of every epoch.
        seed: seed of the shuffles and augmentations (see the module docstring).
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` for ``PyDataset``.

    Example:
        >>> class Indices(Iterator):
        ...     def _get_batches_of_transformed_samples(self, index_array):
        ...         return index_array
        >>> Indices(5, 2, shuffle=False, seed=None)[2].tolist()
        [4]
    """

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")

    def __init__(self, n, batch_size, shuffle, seed, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"{type(self).__name__}: batch_size must be a positive integer; received batch_size={batch_size!r}")
        self.n = n
        self.batch_size = int(batch_size)
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self._rng = np.random

    def _next_rng(self):
        """Switch ``self._rng`` to the next batch's generator: ``RandomState(seed + batches seen)`` or NumPy's global one."""
        if self.seed is None:
            self._rng = np.random
        else:
            self._rng = np.random.RandomState((self.seed + self.total_batches_seen) % 2**32)
        self.total_batches_seen += 1

    def _set_index_array(self):
        self.index_array = self._rng.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __len__(self):
        return -(-self.n // self.batch_size)

    def __getitem__(self, idx):
        if not 0 <= idx < len(self):
            raise IndexError(f"{type(self).__name__}: batch index {idx} out of range for {len(self)} batches")
        with self.lock:
            self._next_rng()
            if self.index_array is None:
                self._set_index_array()
            index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def on_epoch_end(self):
        """Reshuffle (with ``shuffle=True``) for the next epoch."""
        self._set_index_array()

    def reset(self):
        """Restart ``next()`` at the first batch of a (new) epoch."""
        self.batch_index = 0

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:
            self._next_rng()
            if self.batch_index == 0:
                self._set_index_array()
            start = (self.batch_index * self.batch_size) % self.n if self.n else 0
            self.batch_index = self.batch_index + 1 if self.n > start + self.batch_size else 0
            index_array = self.index_array[start:start + self.batch_size]
        return self._get_batches_of_transformed_samples(index_array)

    def next(self):
        """The next batch (Keras 2's spelling of ``next(iterator)``)."""
        return self.__next__()

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError(f"{type(self).__name__} must implement _get_batches_of_transformed_samples(index_array)")

    # Helpers for the subclasses below, which set image_data_generator, data_format and save_*.

    def _transform(self, x):
        """Augment and standardize one image with the iterator's generator (if any)."""
        generator = self.image_data_generator
        if generator is None:
            return x
        params = generator._draw_transform(x.shape, self._rng)
        return generator.standardize(generator.apply_transform(x, params))

    def _save_batch(self, batch_x, index_array, hash_range):
        for image, index in zip(batch_x, index_array):
            name = f"{self.save_prefix}_{index}_{self._rng.randint(hash_range)}.{self.save_format}"
            save_img(os.path.join(self.save_to_dir, name), image, self.data_format, file_format=self.save_format)


def _split_fraction(image_data_generator, subset, caller):
    if subset is None:
        return None
    if subset not in SUBSETS:
        raise ValueError(f"{caller}: subset must be one of {SUBSETS} or None; received subset={subset!r}")
    fraction = getattr(image_data_generator, "_validation_split", 0.0)
    if not fraction:
        raise ValueError(f"{caller}: subset={subset!r} needs ImageDataGenerator(validation_split=...) in (0, 1)")
    return fraction


class NumpyArrayIterator(Iterator):
    """Batches of augmented images from NumPy arrays (``ImageDataGenerator.flow``).

    ``x`` is a rank-4 array (or a pair ``(x, extra)`` whose extra arrays are batched
    alongside, unaugmented). Batches are ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.
    With ``subset``, ``"validation"`` takes the first ``validation_split`` of the
    samples and ``"training"`` the rest (Keras's rule).

    Example:
        >>> from lamina.preprocessing.image import ImageDataGenerator
        >>> it = NumpyArrayIterator(np.ones((3, 2, 2, 3)), None, ImageDataGenerator(rescale=0.5), batch_size=2)
        >>> float(it[0].max())
        0.5
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False, sample_weight=None, seed=None,
                 data_format=None, save_to_dir=None, save_prefix="", save_format="png", subset=None,
                 ignore_class_split=False, dtype=None, **kwargs):
        data_format = config.standardize_data_format(data_format)
        self.dtype = dtype or config.floatx()
        if isinstance(x, (tuple, list)):
            extra = x[1] if isinstance(x[1], list) else [x[1]]
            x, x_misc = x[0], [np.asarray(item) for item in extra]
        else:
            x_misc = []
        for item in x_misc:
            if len(item) != len(x):
                raise ValueError(f"flow: all arrays in x must have the same length; received {len(x)} and {len(item)}")
        if y is not None and len(x) != len(y):
            raise ValueError(
                f"flow: x (images) and y (labels) must have the same length; received x.shape={np.shape(x)}, "
                f"y.shape={np.shape(y)}"
            )
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError(
                f"flow: x (images) and sample_weight must have the same length; received x.shape={np.shape(x)}, "
                f"sample_weight.shape={np.shape(sample_weight)}"
            )
        fraction = _split_fraction(image_data_generator, subset, "flow")
        if fraction is not None:
            cut = int(len(x) * fraction)
            if (y is not None and not ignore_class_split
                    and not np.array_equal(np.unique(y[:cut]), np.unique(y[cut:]))):
                raise ValueError(
                    "flow: the training and validation subsets hold different classes after the split "
                    f"(validation_split={fraction}); shuffle x and y first if they are sorted by label, "
                    "or pass ignore_class_split=True"
                )
            part = slice(0, cut) if subset == "validation" else slice(cut, None)
            x, x_misc = x[part], [item[part] for item in x_misc]
            y = None if y is None else y[part]
            sample_weight = None if sample_weight is None else sample_weight[part]
        self.x = np.asarray(x, dtype=self.dtype)
        if self.x.ndim != 4:
            raise ValueError(f"flow: x must be a rank-4 array of images (samples, ...); received shape {self.x.shape}")
        channel_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channel_axis] not in (1, 3, 4):
            warnings.warn(
                f"flow: data_format={data_format!r} puts channels on axis {channel_axis}, which usually holds 1, 3 "
                f"or 4 values; received x.shape={self.x.shape} ({self.x.shape[channel_axis]} channels)",
                stacklevel=3,
            )
        self.x_misc = x_misc
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed, **kwargs)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            batch_x[i] = self._transform(self.x[j].astype(self.dtype))
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, 10**4)
        inputs = [batch_x] + [item[index_array] for item in self.x_misc] if self.x_misc else batch_x
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]


class BatchFromFilesMixin:
    """Reading, augmenting and labelling batches of image files (shared by the directory and dataframe iterators)."""

    _caller = "flow_from_files"  # the user-facing function named in error messages

    def set_processing_attrs(self, image_data_generator, target_size, color_mode, data_format, save_to_dir,
                             save_prefix, save_format, subset, interpolation, keep_aspect_ratio):
        caller = self._caller
        self.image_data_generator = image_data_generator
        self.target_size = _check_size(target_size, caller, "target_size")
        channels = _check_color_mode(color_mode, caller)
        self.color_mode = color_mode
        self.data_format = config.standardize_data_format(data_format)
        self.image_shape = self.target_size + (channels,) if self.data_format == "channels_last" else (channels,) + self.target_size
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        self.keep_aspect_ratio = keep_aspect_ratio
        fraction = _split_fraction(image_data_generator, subset, caller)
        self.split = None if fraction is None else ((0, fraction) if subset == "validation" else (fraction, 1))
        self.subset = subset

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        filepaths = self.filepaths
        for i, j in enumerate(index_array):
            img = load_img(filepaths[j], color_mode=self.color_mode, target_size=self.target_size,
                           interpolation=self.interpolation, keep_aspect_ratio=self.keep_aspect_ratio)
            x = img_to_array(img, data_format=self.data_format, dtype=self.dtype)
            img.close()
            batch_x[i] = self._transform(x)
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, 10**7)
        mode = self.class_mode
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.asarray([self.classes[j] for j in index_array], dtype=self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0
        elif mode == "multi_output":
            batch_y = [output[index_array] for output in self.labels]
        elif mode == "raw":
            batch_y = self.labels[index_array]
        else:
            return batch_x
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]

    @property
    def filepaths(self):
        """Paths of the image files, in sample order."""
        return self._filepaths


def _files_in_class_folder(folder, formats, split, follow_links):
    """Keras 2's listing of one class folder: recursive, sorted, optionally restricted to a fraction."""
    found = []
    for root, _, files in sorted(os.walk(folder, followlinks=follow_links), key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                found.append(os.path.join(os.path.basename(folder), os.path.relpath(os.path.join(root, name), folder)))
    if split:
        found = found[int(split[0] * len(found)):int(split[1] * len(found))]
    return found


class DirectoryIterator(BatchFromFilesMixin, Iterator):
    """Batches of augmented images read from class sub-folders (``ImageDataGenerator.flow_from_directory``).

    Each sub-folder of ``directory`` is a class (sorted names, or the order of
    ``classes``; hidden folders such as ``.ipynb_checkpoints`` are skipped). With
    ``subset``, the first ``validation_split`` of each class's sorted files is the
    validation subset and the rest the training subset (Keras's rule).

    Attributes:
        class_indices: dict class name -> index.
        classes: int32 array, the class index of every sample.
        filenames: paths relative to ``directory`` (``"cats/cat001.jpg"``).
        filepaths: full paths.
        samples, n: number of images; num_classes; image_shape.

    Example:
        >>> import tempfile
        >>> from lamina.utils.image_utils import save_img
        >>> root = tempfile.mkdtemp()
        >>> for name in ("cats/1.png", "dogs/1.png", "dogs/2.png"):
        ...     save_img(os.path.join(root, name), np.random.rand(6, 6, 3))
        >>> it = DirectoryIterator(root, None, target_size=(4, 4), class_mode="sparse", shuffle=False)
        Found 3 images belonging to 2 classes.
        >>> it.class_indices, it.classes.tolist(), it[0][1].tolist()
        ({'cats': 0, 'dogs': 1}, [0, 1, 1], [0.0, 1.0, 1.0])
    """

    allowed_class_modes = ("categorical", "binary", "sparse", "input", None)
    _caller = "flow_from_directory"

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode="rgb", classes=None,
                 class_mode="categorical", batch_size=32, shuffle=True, seed=None, data_format=None,
                 save_to_dir=None, save_prefix="", save_format="png", follow_links=False, subset=None,
                 interpolation="nearest", keep_aspect_ratio=False, dtype=None, **kwargs):
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format, save_to_dir,
                                  save_prefix, save_format, subset, interpolation, keep_aspect_ratio)
        caller = self._caller
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"{caller}: class_mode must be one of {self.allowed_class_modes}; received class_mode={class_mode!r}")
        if not os.path.isdir(directory):
            raise ValueError(f"{caller}: directory {directory!r} does not exist or is not a folder")
        self.directory = directory
        self.class_mode = class_mode
        self.dtype = dtype or config.floatx()
        subfolders = sorted(
            name for name in os.listdir(directory)
            if not name.startswith(".") and os.path.isdir(os.path.join(directory, name))
        )
        if classes:
            missing = [name for name in classes if not os.path.isdir(os.path.join(directory, name))]
            if missing:
                raise ValueError(f"{caller}: classes {missing} are not sub-folders of {directory!r}; the sub-folders are {subfolders}")
            subfolders = list(classes)
        self.num_classes = len(subfolders)
        self.class_indices = {name: index for index, name in enumerate(subfolders)}
        if class_mode == "binary" and self.num_classes != 2:
            raise ValueError(f"{caller}: class_mode='binary' needs exactly 2 classes; found {subfolders} in {directory!r}")
        self.filenames, labels = [], []
        for name in subfolders:
            found = _files_in_class_folder(os.path.join(directory, name), self.white_list_formats, self.split, follow_links)
            self.filenames += found
            labels += [self.class_indices[name]] * len(found)
        self.classes = np.asarray(labels, dtype="int32")
        self.samples = len(self.filenames)
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        if not self.samples:
            where = f"the {subset} subset of " if subset else ""
            raise ValueError(
                f"{caller}: no images in {where}{directory!r} (looked in the class sub-folders {subfolders}). "
                f"Allowed formats: {self.white_list_formats}"
            )
        self._filepaths = [os.path.join(directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed, **kwargs)

    @property
    def labels(self):
        """The class index of every sample."""
        return self.classes

    @property
    def sample_weight(self):
        return None


class DataFrameIterator(BatchFromFilesMixin, Iterator):
    """Batches of augmented images listed in a pandas DataFrame (``ImageDataGenerator.flow_from_dataframe``).

    ``x_col`` holds file names (joined to ``directory`` when given); ``y_col`` the
    labels: class names (``"categorical"``, ``"binary"``, ``"sparse"``; lists of names
    for multi-label ``"categorical"``), any values (``"raw"``), a list of columns
    (``"multi_output"``); ``weight_col`` optional sample weights. With
    ``validate_filenames`` rows whose file is missing or not an image are dropped
    (with a warning).

    Example:
        >>> import tempfile, pandas as pd
        >>> from lamina.utils.image_utils import save_img
        >>> root = tempfile.mkdtemp()
        >>> save_img(os.path.join(root, "a.png"), np.random.rand(6, 6, 3))
        >>> frame = pd.DataFrame({"filename": ["a.png"], "class": ["cat"]})
        >>> it = DataFrameIterator(frame, root, None, target_size=(4, 4))
        Found 1 validated image filenames belonging to 1 classes.
        >>> it[0][1].tolist()
        [[1.0]]
    """

    allowed_class_modes = ("binary", "categorical", "input", "multi_output", "raw", "sparse", None)
    _caller = "flow_from_dataframe"

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename", y_col="class",
                 weight_col=None, target_size=(256, 256), color_mode="rgb", classes=None, class_mode="categorical",
                 batch_size=32, shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", subset=None, interpolation="nearest", keep_aspect_ratio=False, dtype=None,
                 validate_filenames=True, **kwargs):
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format, save_to_dir,
                                  save_prefix, save_format, subset, interpolation, keep_aspect_ratio)
        frame = dataframe.copy()
        self.directory = directory or ""
        self.class_mode = class_mode
        self.dtype = dtype or config.floatx()
        self._check_params(frame, x_col, y_col, weight_col, classes)
        if validate_filenames:
            frame = self._keep_valid_files(frame, x_col)
        labelled = class_mode not in ("input", "multi_output", "raw", None)
        if labelled:
            frame, classes = self._filter_classes(frame, y_col, classes)
            self.class_indices = {name: index for index, name in enumerate(classes)}
        if self.split:
            start, stop = (int(fraction * len(frame)) for fraction in self.split)
            frame = frame.iloc[start:stop]
        if labelled:
            self.classes = [self._class_index(label) for label in frame[y_col]]
        self.filenames = frame[x_col].tolist()
        self._sample_weight = frame[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(frame[column].tolist()) for column in y_col]
        elif class_mode == "raw":
            self._targets = frame[y_col].values
        self.samples = len(self.filenames)
        kind = "validated" if validate_filenames else "non-validated"
        classes_note = f" belonging to {len(classes)} classes" if labelled else ""
        print(f"Found {self.samples} {kind} image filenames{classes_note}.")
        self._filepaths = [os.path.join(self.directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed, **kwargs)

    def _class_index(self, label):
        if isinstance(label, (list, tuple)):
            return [self.class_indices[name] for name in label]
        return self.class_indices[label]

    def _check_params(self, frame, x_col, y_col, weight_col, classes):
        caller, mode = self._caller, self.class_mode
        if mode not in self.allowed_class_modes:
            raise ValueError(f"{caller}: class_mode must be one of {self.allowed_class_modes}; received class_mode={mode!r}")
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f"{caller}: class_mode='multi_output' needs y_col to be a list of columns; received {y_col!r}")
        columns = [x_col] + ([weight_col] if weight_col else [])
        if mode not in ("input", None):
            columns += y_col if isinstance(y_col, list) else [y_col]
        for column in columns:
            if column not in frame.columns:
                raise KeyError(f"{caller}: column {column!r} is not in the dataframe; its columns are {list(frame.columns)}")
        if not all(isinstance(value, str) for value in frame[x_col]):
            raise TypeError(f"{caller}: every value in x_col={x_col!r} must be a file name (str)")
        if mode in ("binary", "sparse") and not all(isinstance(value, str) for value in frame[y_col]):
            raise TypeError(f"{caller}: with class_mode={mode!r} every value in y_col={y_col!r} must be a class name (str)")
        if mode == "categorical" and not all(isinstance(value, (str, list, tuple)) for value in frame[y_col]):
            raise TypeError(
                f"{caller}: with class_mode='categorical' every value in y_col={y_col!r} must be a class name (str) "
                "or a list/tuple of class names"
            )
        if mode == "binary":
            count = len(set(classes)) if classes else frame[y_col].nunique()
            if count != 2:
                raise ValueError(f"{caller}: class_mode='binary' needs exactly 2 classes; found {count}")
        if classes and mode in ("input", "multi_output", "raw", None):
            warnings.warn(f"{caller}: classes are ignored with class_mode={mode!r}", stacklevel=4)
        if weight_col and not np.issubdtype(frame[weight_col].dtype, np.number):
            raise TypeError(f"{caller}: weight_col={weight_col!r} must hold numbers; its dtype is {frame[weight_col].dtype}")

    @staticmethod
    def _filter_classes(frame, y_col, classes):
        if classes:
            classes = list(dict.fromkeys(classes))
            wanted = set(classes)

            def keep(label):
                if isinstance(label, (list, tuple)):
                    return [name for name in label if name in wanted] or None
                return label if label in wanted else None

            frame = frame.copy()
            frame[y_col] = frame[y_col].apply(keep)
        else:
            found = set()
            for label in frame[y_col]:
                found.update(label if isinstance(label, (list, tuple)) else [label])
            classes = sorted(found)
        return frame.dropna(subset=[y_col]), classes

    def _keep_valid_files(self, frame, x_col):
        paths = frame[x_col].map(lambda name: os.path.join(self.directory, name))
        valid = paths.map(lambda path: path.lower().endswith(self.white_list_formats) and os.path.isfile(path))
        dropped = int((~valid).sum())
        if dropped:
            warnings.warn(
                f"{self._caller}: ignoring {dropped} row(s) whose x_col={x_col!r} file is missing or not an "
                f"image ({self.white_list_formats})",
                stacklevel=4,
            )
        return frame[valid]

    @property
    def labels(self):
        """The targets: class indices, or the raw / multi-output values."""
        return self._targets if self.class_mode in ("multi_output", "raw") else self.classes

    @property
    def sample_weight(self):
        return self._sample_weight

