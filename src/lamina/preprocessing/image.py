"""``keras.preprocessing.image``: image files, Keras 2's ``ImageDataGenerator`` and its transforms.

``ImageDataGenerator`` describes random augmentations (rotation, shifts, shear, zoom,
flips, channel and brightness shifts) and normalisations (rescale, sample- and
feature-wise centring and scaling, ZCA whitening); ``flow``, ``flow_from_directory``
and ``flow_from_dataframe`` return iterators of augmented batches that ``fit`` and
``fit_generator`` take.

Example:
    >>> datagen = ImageDataGenerator(rescale=1 / 255, rotation_range=40, horizontal_flip=True)
    >>> batches = datagen.flow(np.random.randint(0, 256, (8, 32, 32, 3)), np.arange(8), batch_size=4, seed=1)
    >>> x, y = batches[0]
    >>> x.shape, bool(x.max() <= 1.0)
    ((4, 32, 32, 3), True)
"""
import math
import warnings

import numpy as np

from lamina.core import config
from lamina.preprocessing.image_iterators import (
    BatchFromFilesMixin,
    DataFrameIterator,
    DirectoryIterator,
    Iterator,
    NumpyArrayIterator,
)
from lamina.preprocessing.image_transforms import (
    FILL_MODES,
    INTERPOLATION_ORDERS,
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    flip_axis,
    random_brightness,
    random_channel_shift,
    random_rotation,
    random_shear,
    random_shift,
    random_zoom,
)
from lamina.utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize

_CALLER = "ImageDataGenerator"


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _is_active(value):
    """Keras's truthiness of a range argument: a non-zero number or a non-empty list."""
    return value != 0 if _is_number(value) else len(value) > 0


def _check_shift_range(value, name):
    if _is_number(value):
        return value
    array = np.asarray(value)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(
            f"{_CALLER}: {name} must be a float (fraction of the size if < 1, else pixels), an int (pixels) or a "
            f"1-D list of pixel offsets; received {name}={value!r}"
        )
    return value


class ImageDataGenerator:
    """Random augmentation and normalisation of image batches (Keras 2 API).

    Args:
        featurewise_center: subtract the dataset's per-channel mean (computed by :meth:`fit`).
        samplewise_center: subtract each image's mean.
        featurewise_std_normalization: divide by the dataset's per-channel std (:meth:`fit`).
        samplewise_std_normalization: divide each image by its std.
        zca_whitening: apply ZCA whitening (matrix computed by :meth:`fit`); ``zca_epsilon``.
        rotation_range: degrees; rotations are drawn from ``[-rotation_range, rotation_range]``.
        width_shift_range, height_shift_range: float (fraction of the width/height if < 1,
            else pixels), int (whole pixels in ``(-n, n)``) or a list of pixel offsets.
        brightness_range: ``(low, high)`` brightness factors (1 keeps the image).
        shear_range: shear angle range in degrees (counter-clockwise).
        zoom_range: float ``z`` for ``[1 - z, 1 + z]`` or ``(low, high)``; above 1 zooms out.
        channel_shift_range: range of a value added to all channels (clipped to the image's range).
        fill_mode: ``"nearest"``, ``"constant"``, ``"reflect"`` or ``"wrap"`` for pixels
            coming from outside the image; ``cval`` is the ``"constant"`` value.
        horizontal_flip, vertical_flip: flip half of the images at random.
        rescale: factor multiplied into every image (after the other transforms).
        preprocessing_function: called on each image (a 3-D array) before the
            normalisations and must return an array of the same shape.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        validation_split: fraction of images reserved for ``subset="validation"``.
        interpolation_order: 1 (linear, default) or 0 (nearest) for the geometric transforms.
        dtype: dtype of the produced arrays (default ``floatx()``).

    Example:
        >>> datagen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
        >>> x = np.random.rand(20, 8, 8, 3) * 255
        >>> datagen.fit(x)
        >>> out = datagen.flow(x, batch_size=20, shuffle=False)[0]
        >>> bool(np.allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-3))
        True
    """

    def __init__(self, featurewise_center=False, samplewise_center=False, featurewise_std_normalization=False,
                 samplewise_std_normalization=False, zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None, shear_range=0.0,
                 zoom_range=0.0, channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None, data_format=None,
                 validation_split=0.0, interpolation_order=1, dtype=None):
        data_format = config.image_data_format() if data_format is None else data_format
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"{_CALLER}: data_format must be 'channels_last' or 'channels_first'; received data_format={data_format!r}"
            )
        if fill_mode not in FILL_MODES:
            raise ValueError(f"{_CALLER}: fill_mode must be one of {FILL_MODES}; received fill_mode={fill_mode!r}")
        if interpolation_order not in INTERPOLATION_ORDERS:
            raise ValueError(
                f"{_CALLER}: interpolation_order must be one of {INTERPOLATION_ORDERS} (nearest, linear); "
                f"received interpolation_order={interpolation_order!r}"
            )
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(f"{_CALLER}: validation_split must be strictly between 0 and 1; received validation_split={validation_split!r}")
        for name, value in (("rotation_range", rotation_range), ("shear_range", shear_range),
                            ("channel_shift_range", channel_shift_range), ("cval", cval)):
            if not _is_number(value):
                raise ValueError(f"{_CALLER}: {name} must be a number; received {name}={value!r}")
        if _is_number(zoom_range):
            zoom = [1 - zoom_range, 1 + zoom_range]
        elif isinstance(zoom_range, (tuple, list)) and len(zoom_range) == 2 and all(_is_number(v) for v in zoom_range):
            zoom = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(f"{_CALLER}: zoom_range must be a float or a pair (low, high) of floats; received zoom_range={zoom_range!r}")
        if brightness_range is not None and not (
            isinstance(brightness_range, (tuple, list)) and len(brightness_range) == 2
            and all(_is_number(v) for v in brightness_range)
        ):
            raise ValueError(
                f"{_CALLER}: brightness_range must be None or a pair (low, high) of floats; "
                f"received brightness_range={brightness_range!r}"
            )
        if preprocessing_function is not None and not callable(preprocessing_function):
            raise ValueError(f"{_CALLER}: preprocessing_function must be callable; received {preprocessing_function!r}")

        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = _check_shift_range(width_shift_range, "width_shift_range")
        self.height_shift_range = _check_shift_range(height_shift_range, "height_shift_range")
        self.shear_range = shear_range
        self.zoom_range = zoom
        self.channel_shift_range = channel_shift_range
        self.brightness_range = brightness_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.data_format = data_format
        self.interpolation_order = interpolation_order
        self.dtype = dtype or config.floatx()
        self._validation_split = validation_split
        # Axes of a batch (an image's axes are one less).
        self.channel_axis, self.row_axis, self.col_axis = (3, 1, 2) if data_format == "channels_last" else (1, 2, 3)
        self.mean = None
        self.std = None
        self.zca_whitening_matrix = None

        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn(f"{_CALLER}: zca_whitening switches featurewise_center on", stacklevel=2)
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn(f"{_CALLER}: zca_whitening switches featurewise_std_normalization off", stacklevel=2)
        if self.featurewise_std_normalization and not self.featurewise_center:
            self.featurewise_center = True
            warnings.warn(f"{_CALLER}: featurewise_std_normalization switches featurewise_center on", stacklevel=2)
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn(f"{_CALLER}: samplewise_std_normalization switches samplewise_center on", stacklevel=2)

    # -- iterators ------------------------------------------------------------------------------------------

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None, save_to_dir=None,
             save_prefix="", save_format="png", ignore_class_split=False, subset=None):
        """Augmented batches of the arrays ``x`` (rank 4) and ``y``: a :class:`NumpyArrayIterator`.

        Example:
            >>> ImageDataGenerator().flow(np.zeros((5, 4, 4, 3)), batch_size=2, shuffle=False)[2].shape
            (1, 4, 4, 3)
        """
        return NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight, seed=seed,
            data_format=self.data_format, save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype,
        )

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb", classes=None,
                            class_mode="categorical", batch_size=32, shuffle=True, seed=None, save_to_dir=None,
                            save_prefix="", save_format="png", follow_links=False, subset=None,
                            interpolation="nearest", keep_aspect_ratio=False):
        """Augmented batches of the images in ``directory``'s class sub-folders: a :class:`DirectoryIterator`.

        ``class_mode``: ``"categorical"`` (one-hot), ``"binary"`` (0/1, two classes),
        ``"sparse"`` (class index), ``"input"`` (the images themselves) or ``None``.

        Example:
            >>> import os, tempfile
            >>> root = tempfile.mkdtemp()
            >>> save_img(os.path.join(root, "cats", "1.png"), np.random.rand(8, 8, 3))
            >>> it = ImageDataGenerator(rescale=1 / 255).flow_from_directory(root, target_size=(4, 4))
            Found 1 images belonging to 1 classes.
            >>> it.class_indices
            {'cats': 0}
        """
        return DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode, classes=classes, class_mode=class_mode,
            batch_size=batch_size, shuffle=shuffle, seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format, follow_links=follow_links, subset=subset,
            interpolation=interpolation, keep_aspect_ratio=keep_aspect_ratio, dtype=self.dtype,
        )

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class", weight_col=None,
                            target_size=(256, 256), color_mode="rgb", classes=None, class_mode="categorical",
                            batch_size=32, shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                            save_format="png", subset=None, interpolation="nearest", validate_filenames=True,
                            keep_aspect_ratio=False):
        """Augmented batches of the image files listed in a pandas DataFrame: a :class:`DataFrameIterator`.

        Example:
            >>> import os, tempfile, pandas as pd
            >>> root = tempfile.mkdtemp()
            >>> save_img(os.path.join(root, "a.png"), np.random.rand(8, 8, 3))
            >>> frame = pd.DataFrame({"filename": ["a.png"], "class": ["cat"]})
            >>> it = ImageDataGenerator().flow_from_dataframe(frame, root, target_size=(4, 4), class_mode="sparse")
            Found 1 validated image filenames belonging to 1 classes.
        """
        return DataFrameIterator(
            dataframe, directory, self, x_col=x_col, y_col=y_col, weight_col=weight_col, target_size=target_size,
            color_mode=color_mode, classes=classes, class_mode=class_mode, batch_size=batch_size, shuffle=shuffle,
            seed=seed, data_format=self.data_format, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, subset=subset, interpolation=interpolation, keep_aspect_ratio=keep_aspect_ratio,
            dtype=self.dtype, validate_filenames=validate_filenames,
        )

    # -- per-image operations -------------------------------------------------------------------------------

    def standardize(self, x):
        """Apply ``preprocessing_function``, ``rescale`` and the normalisations to ``x`` (in place where possible).

        Example:
            >>> ImageDataGenerator(rescale=0.5).standardize(np.full((2, 2, 1), 4.0))[0, 0].tolist()
            [2.0]
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is None:
                self._warn_not_fit("featurewise_center")
            else:
                x -= self.mean
        if self.featurewise_std_normalization:
            if self.std is None:
                self._warn_not_fit("featurewise_std_normalization")
            else:
                x /= self.std + 1e-6
        if self.zca_whitening:
            if self.zca_whitening_matrix is None:
                self._warn_not_fit("zca_whitening")
            else:
                flat = x.reshape(-1, math.prod(x.shape[-3:]))
                x = (flat @ self.zca_whitening_matrix).reshape(x.shape)
        return x

    @staticmethod
    def _warn_not_fit(option):
        warnings.warn(
            f"{_CALLER}: {option} is set but the generator has not been fit on any data; call .fit(x_train) first",
            stacklevel=3,
        )

    def _shift(self, value, rng, size):
        if not _is_number(value) or isinstance(value, (int, np.integer)):  # pixel offsets: an int range or a list
            shift = rng.choice(value) * rng.choice([-1, 1])
        else:
            shift = rng.uniform(-value, value)
        return shift * size if np.max(value) < 1 else shift

    def _draw_transform(self, img_shape, rng):
        """Random transform parameters drawn from ``rng`` in Keras's order (same numbers for the same state)."""
        row_size, col_size = img_shape[self.row_axis - 1], img_shape[self.col_axis - 1]
        theta = rng.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        ty = self._shift(self.height_shift_range, rng, row_size) if _is_active(self.height_shift_range) else 0
        tx = self._shift(self.width_shift_range, rng, col_size) if _is_active(self.width_shift_range) else 0
        shear = rng.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = rng.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (rng.random() < 0.5) * self.horizontal_flip
        flip_vertical = (rng.random() < 0.5) * self.vertical_flip
        channel_shift = None
        if self.channel_shift_range != 0:
            channel_shift = rng.uniform(-self.channel_shift_range, self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = rng.uniform(self.brightness_range[0], self.brightness_range[1])
        return {
            "theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
            "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
            "channel_shift_intensity": channel_shift, "brightness": brightness,
        }

    def get_random_transform(self, img_shape, seed=None):
        """Random parameters of one transformation for an image of shape ``img_shape``.

        Returns a dict with ``theta`` (degrees), ``tx``/``ty`` (pixels along x = width and
        y = height), ``shear`` (degrees), ``zx``/``zy``, ``flip_horizontal``,
        ``flip_vertical``, ``channel_shift_intensity`` and ``brightness``. With ``seed``
        the draw is reproducible (NumPy's global generator is left alone).

        Example:
            >>> datagen = ImageDataGenerator(rotation_range=30)
            >>> datagen.get_random_transform((8, 8, 3), seed=1) == datagen.get_random_transform((8, 8, 3), seed=1)
            True
        """
        rng = np.random if seed is None else np.random.RandomState(seed)
        return self._draw_transform(img_shape, rng)

    def apply_transform(self, x, transform_parameters):
        """Apply a parameter dict (see :meth:`get_random_transform`) to one image ``x`` (3-D).

        Missing keys mean "no change". Returns the transformed image (same shape).

        Example:
            >>> x = np.arange(4.0).reshape(2, 2, 1)
            >>> ImageDataGenerator().apply_transform(x, {"flip_horizontal": True})[:, :, 0].tolist()
            [[1.0, 0.0], [3.0, 2.0]]
        """
        row_axis, col_axis, channel_axis = self.row_axis - 1, self.col_axis - 1, self.channel_axis - 1
        params = transform_parameters
        x = apply_affine_transform(
            x, params.get("theta", 0), params.get("tx", 0), params.get("ty", 0), params.get("shear", 0),
            params.get("zx", 1), params.get("zy", 1), row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
            fill_mode=self.fill_mode, cval=self.cval, order=self.interpolation_order,
        )
        if params.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, params["channel_shift_intensity"], channel_axis)
        if params.get("flip_horizontal", False):
            x = flip_axis(x, col_axis)
        if params.get("flip_vertical", False):
            x = flip_axis(x, row_axis)
        if params.get("brightness") is not None:
            x = apply_brightness_shift(x, params["brightness"], scale=False, data_format=self.data_format)
        return x

    def random_transform(self, x, seed=None):
        """One random augmentation of the image ``x`` (3-D), reproducible with ``seed``.

        Example:
            >>> ImageDataGenerator(rotation_range=10).random_transform(np.zeros((4, 4, 3)), seed=0).shape
            (4, 4, 3)
        """
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the dataset statistics for the feature-wise options and ZCA from sample images ``x`` (rank 4).

        ``rescale`` is applied first; with ``augment`` the statistics come from ``rounds``
        random augmentations of every image.

        Example:
            >>> datagen = ImageDataGenerator(featurewise_center=True)
            >>> datagen.fit(np.ones((2, 3, 3, 1)))
            >>> datagen.mean.shape
            (1, 1, 1)
        """
        x = np.array(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(f"{_CALLER}.fit: x must be a rank-4 array of images; received shape {x.shape}")
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(
                f"{_CALLER}.fit: data_format={self.data_format!r} puts channels on axis {self.channel_axis}, which "
                f"usually holds 1, 3 or 4 values; received x.shape={x.shape}",
                stacklevel=2,
            )
        rng = np.random if seed is None else np.random.RandomState(seed)
        if self.rescale:
            x *= self.rescale
        if augment:
            augmented = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    augmented[i + r * x.shape[0]] = self.apply_transform(x[i], self._draw_transform(x[i].shape, rng))
            x = augmented
        stats_shape = [1, 1, 1]
        stats_shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.mean(x, axis=(0, self.row_axis, self.col_axis)).reshape(stats_shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=(0, self.row_axis, self.col_axis)).reshape(stats_shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            flat = x.reshape(len(x), -1)
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            self.zca_whitening_matrix = (u * (np.sqrt(len(x)) / (s + self.zca_epsilon))) @ u.T


__all__ = [
    "ImageDataGenerator", "Iterator", "NumpyArrayIterator", "DirectoryIterator", "DataFrameIterator",
    "BatchFromFilesMixin", "load_img", "img_to_array", "array_to_img", "save_img", "smart_resize",
    "apply_affine_transform", "apply_brightness_shift", "apply_channel_shift", "flip_axis", "random_brightness",
    "random_channel_shift", "random_rotation", "random_shear", "random_shift", "random_zoom",
]
