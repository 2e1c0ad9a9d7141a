"""``image_dataset_from_directory``: a dataset of image batches from a folder of class sub-folders.

Files are listed, labelled, shuffled and split exactly as Keras does (same folder,
``seed`` and ``validation_split`` give the same files in each subset, in the same
order), read with Pillow and resized with torch's kernels. No TensorFlow.

Example:
    >>> import os, tempfile
    >>> from lamina.utils.image_utils import save_img
    >>> root = tempfile.mkdtemp()
    >>> for name in ("cat/1.png", "cat/2.png", "dog/1.png"):
    ...     save_img(os.path.join(root, name), np.random.rand(20, 30, 3))
    >>> ds = image_dataset_from_directory(root, image_size=(16, 16), batch_size=2, seed=1, verbose=False)
    >>> images, labels = ds[0]
    >>> ds.class_names, tuple(images.shape), labels.dtype
    (['cat', 'dog'], (2, 16, 16, 3), torch.int32)
"""
import numpy as np
import torch

from lamina.core import config
from lamina.utils import dataset_utils
from lamina.utils.image_utils import (
    RESIZE_INTERPOLATIONS,
    _check_color_mode,
    _check_size,
    _convert_mode,
    _open_image,
    resize_image,
)
from lamina.utils.py_dataset import BatchDataset

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_TENSORFLOW_ONLY_INTERPOLATIONS = ("area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
_CALLER = "image_dataset_from_directory"


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    data_format=None,
    verbose=True,
):
    """A dataset of ``(images, labels)`` batches read from ``directory``; ``fit`` takes it directly.

    With ``labels="inferred"`` each sub-folder of ``directory`` is a class (alphanumeric
    order, or the order of ``class_names``) and its images, found recursively, get that
    class's index. Supported files: ``.bmp .gif .jpeg .jpg .png`` (first frame of a GIF).

    Args:
        directory: the root folder.
        labels: ``"inferred"``, ``None`` (images only) or a list of integer labels,
            one per image file in sorted path order.
        label_mode: ``"int"`` (int32 ``(b,)``), ``"categorical"`` (one-hot float32
            ``(b, classes)``), ``"binary"`` (float32 ``(b, 1)``, exactly 2 classes) or
            ``None`` (images only).
        class_names: with ``labels="inferred"``, the sub-folders to use, in label order.
        color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"`` (3, 4 or 1 channels).
        batch_size: images per batch; ``None`` yields single images.
        image_size: ``(height, width)`` every image is resized to.
        shuffle: shuffle the files (seeded like Keras) and reshuffle after every epoch;
            ``False`` keeps the alphanumeric order.
        seed: seed of the shuffle; required with ``validation_split`` and ``shuffle``.
        validation_split: fraction of the files kept for validation (the last ones
            after shuffling, as in Keras).
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns the pair).
        interpolation: ``"bilinear"``, ``"nearest"`` or ``"bicubic"``.
        follow_links: descend into symbolic links to folders.
        crop_to_aspect_ratio: centre-crop to the target aspect ratio before resizing.
        pad_to_aspect_ratio: pad with zeros to the target aspect ratio before resizing.
        data_format: ``"channels_last"`` (``(b, h, w, c)``) or ``"channels_first"``.
        verbose: print how many files and classes were found.

    Returns:
        A :class:`ImageFileDataset` (``class_names`` and ``file_paths`` attributes)
        yielding float32 torch image batches (values 0-255) and labels; a pair of them
        for ``subset="both"``.

    Example:
        >>> import os, tempfile
        >>> from lamina.utils.image_utils import save_img
        >>> root = tempfile.mkdtemp()
        >>> for i in range(10):
        ...     save_img(os.path.join(root, "ab"[i % 2], f"{i}.png"), np.random.rand(8, 8, 3))
        >>> train, val = image_dataset_from_directory(root, image_size=(8, 8), validation_split=0.2,
        ...                                           subset="both", seed=7, verbose=False)
        >>> len(train.file_paths), len(val.file_paths)
        (8, 2)
    """
    if isinstance(labels, np.ndarray):
        labels = labels.tolist()
    if not (labels is None or labels == "inferred" or isinstance(labels, (list, tuple))):
        raise ValueError(
            f"{_CALLER}: labels must be 'inferred', None or a list of integer labels (one per image file, "
            f"in sorted path order); received labels={labels!r}"
        )
    if label_mode not in dataset_utils.LABEL_MODES:
        raise ValueError(f"{_CALLER}: label_mode must be one of {dataset_utils.LABEL_MODES}; received label_mode={label_mode!r}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    _check_color_mode(color_mode, _CALLER)
    image_size = _check_size(image_size, _CALLER, "image_size")
    interpolation = _check_interpolation(interpolation)
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{_CALLER}: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1):
        raise ValueError(f"{_CALLER}: batch_size must be a positive integer or None; received batch_size={batch_size!r}")
    data_format = config.standardize_data_format(data_format)
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed, caller=_CALLER)
    if seed is None:
        seed = np.random.randint(1e6)

    paths, labels, class_names = dataset_utils.index_directory(
        directory, labels, ALLOWLIST_FORMATS, class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose, caller=_CALLER,
    )
    if not paths:
        raise ValueError(f"{_CALLER}: no images found in directory {directory!r}. Allowed formats: {ALLOWLIST_FORMATS}")
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            f"{_CALLER}: label_mode='binary' needs exactly 2 classes; received class_names={class_names}"
        )
    if label_mode in ("categorical", "binary") and (labels.min() < 0 or labels.max() >= len(class_names)):
        raise ValueError(
            f"{_CALLER}: with label_mode={label_mode!r} the labels must lie in [0, {len(class_names)}) for "
            f"{len(class_names)} classes; received labels in [{labels.min()}, {labels.max()}]"
        )

    def make(part, part_shuffle):
        part_paths, part_labels = dataset_utils.get_training_or_validation_split(
            paths, labels, validation_split, part, verbose=verbose
        )
        if not part_paths:
            raise ValueError(
                f"{_CALLER}: no {part} images in directory {directory!r} with validation_split={validation_split} "
                f"({len(paths)} images found). Allowed formats: {ALLOWLIST_FORMATS}"
            )
        return ImageFileDataset(
            part_paths, part_labels, label_mode=label_mode, class_names=class_names, color_mode=color_mode,
            image_size=image_size, interpolation=interpolation,
            crop_to_aspect_ratio=crop_to_aspect_ratio, pad_to_aspect_ratio=pad_to_aspect_ratio,
            data_format=data_format, batch_size=batch_size, shuffle=part_shuffle, seed=seed,
        )

    if subset == "both":
        return make("training", shuffle), make("validation", False)
    return make(subset, shuffle)


def _check_interpolation(interpolation):
    name = str(interpolation).lower()
    if name in RESIZE_INTERPOLATIONS:
        return name
    if name in _TENSORFLOW_ONLY_INTERPOLATIONS:
        raise ValueError(
            f"{_CALLER}: interpolation={interpolation!r} exists only in TensorFlow's resize; "
            f"lamina (like Keras's torch backend) supports {tuple(RESIZE_INTERPOLATIONS)}"
        )
    raise ValueError(f"{_CALLER}: interpolation must be one of {tuple(RESIZE_INTERPOLATIONS)}; received interpolation={interpolation!r}")


class ImageFileDataset(BatchDataset):
    """Batches of images (and labels) read from a list of files; made by :func:`image_dataset_from_directory`.

    Batch ``i`` holds the files ``order[i * batch_size:(i + 1) * batch_size]``. The first
    epoch reads them in ``file_paths`` order; with ``shuffle`` each ``on_epoch_end`` draws a
    new order from ``seed`` and the epoch number, so runs are reproducible.

    Attributes:
        file_paths: the image paths, in dataset order.
        class_names: the class names (``None`` without labels).

    Example:
        >>> import os, tempfile
        >>> from lamina.utils.image_utils import save_img
        >>> path = os.path.join(tempfile.mkdtemp(), "a.png")
        >>> save_img(path, np.random.rand(5, 5, 3))
        >>> ds = ImageFileDataset([path], None, image_size=(4, 4))
        >>> tuple(ds[0].shape)
        (1, 4, 4, 3)
    """

    def __init__(self, file_paths, labels, label_mode=None, class_names=None, color_mode="rgb", image_size=(256, 256),
                 interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 data_format="channels_last", batch_size=32, shuffle=False, seed=0):
        super().__init__()
        self.file_paths = list(file_paths)
        self.class_names = class_names
        self.label_mode = label_mode
        self.batch_size = batch_size
        self.image_size = tuple(image_size)
        self.color_mode = color_mode
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.data_format = data_format
        self.shuffle = shuffle
        self.seed = seed
        self._labels = None
        if label_mode is not None:
            encoded = dataset_utils.encode_labels(labels, label_mode, len(class_names))
            self._labels = torch.from_numpy(np.ascontiguousarray(encoded))
        self._order = np.arange(len(self.file_paths))
        self._epoch = 0

    def __len__(self):
        count = len(self.file_paths)
        return count if self.batch_size is None else -(-count // self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"ImageFileDataset: batch index {index} out of range for a dataset of {len(self)} batches")
        if self.batch_size is None:
            return self._sample(self._order[index])
        ids = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        images = torch.stack([self.load_image(self.file_paths[i]) for i in ids])
        if self._labels is None:
            return images
        return images, self._labels[torch.from_numpy(ids)]

    def _sample(self, i):
        image = self.load_image(self.file_paths[i])
        return image if self._labels is None else (image, self._labels[int(i)])

    def load_image(self, path):
        """One image file as a float32 tensor of ``image_size``, in this dataset's color mode and layout."""
        img = _convert_mode(_open_image(path, "ImageFileDataset"), self.color_mode)
        array = np.asarray(img, dtype="float32")
        if array.ndim == 2:
            array = array[:, :, None]
        image = resize_image(
            array, self.image_size, interpolation=self.interpolation, crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
        )
        return image.permute(2, 0, 1) if self.data_format == "channels_first" else image

    def on_epoch_end(self):
        """Draw the next epoch's order (only with ``shuffle=True``)."""
        if self.shuffle:
            self._epoch += 1
            self._order = np.random.RandomState((self.seed + self._epoch) % 2**32).permutation(len(self.file_paths))
