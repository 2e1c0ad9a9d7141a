"""Image files and arrays: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``, ``smart_resize``.

Pillow reads and writes the files; arrays are NumPy, ``(height, width, channels)``
(or ``(channels, height, width)`` with ``data_format="channels_first"``), as in Keras.

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "gradient.png")
    >>> save_img(path, np.tile(np.arange(8.0)[None, :, None], (4, 1, 3)))
    >>> x = img_to_array(load_img(path))
    >>> x.shape, x.dtype, float(x.max())
    ((4, 8, 3), dtype('float32'), 255.0)
"""
import io
import os
import pathlib
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, UnidentifiedImageError

from lamina.core import config
from lamina.utils.io_utils import atomic_write

PIL_INTERPOLATION_METHODS = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "hamming": Image.Resampling.HAMMING,
    "box": Image.Resampling.BOX,
    "lanczos": Image.Resampling.LANCZOS,
}
COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}
# Array resizing (image datasets, smart_resize) runs on torch's kernels, as Keras's torch backend does.
RESIZE_INTERPOLATIONS = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}


def _check_color_mode(color_mode, caller):
    if color_mode not in COLOR_MODES:
        raise ValueError(f"{caller}: color_mode must be one of {tuple(COLOR_MODES)}; received color_mode={color_mode!r}")
    return COLOR_MODES[color_mode]


def _convert_mode(img, color_mode):
    """Pillow image in the mode ``color_mode`` asks for (16/32-bit grayscale is kept, as in Keras)."""
    if color_mode == "grayscale":
        return img if img.mode in ("L", "I;16", "I") else img.convert("L")
    wanted = "RGBA" if color_mode == "rgba" else "RGB"
    return img if img.mode == wanted else img.convert(wanted)


def _open_image(path, caller):
    if isinstance(path, io.BytesIO):
        source, name = path, "<BytesIO>"
    elif isinstance(path, (str, bytes, os.PathLike)):
        name = os.fsdecode(path)
        with open(name, "rb") as handle:  # read it all so no file handle stays open
            source = io.BytesIO(handle.read())
    else:
        raise TypeError(f"{caller}: path must be a path (str, bytes, os.PathLike) or io.BytesIO; received {type(path).__name__}")
    try:
        return Image.open(source)
    except UnidentifiedImageError as error:
        raise ValueError(f"{caller}: {name!r} is not an image file Pillow can read") from error


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Load an image file into a Pillow image.

    Args:
        path: path to the file (or an ``io.BytesIO`` holding one).
        color_mode: ``"rgb"`` (default), ``"rgba"`` or ``"grayscale"``.
        target_size: ``None`` (keep the size) or ``(height, width)``.
        interpolation: Pillow resampling when resizing: ``"nearest"`` (default),
            ``"bilinear"``, ``"bicubic"``, ``"hamming"``, ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: crop the largest centred box with the target's aspect
            ratio before resizing, so nothing is stretched.

    Returns:
        A ``PIL.Image.Image``.

    Example:
        >>> import tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "x.png")
        >>> save_img(path, np.zeros((10, 20, 3)))
        >>> load_img(path, target_size=(5, 5)).size  # Pillow reports (width, height)
        (5, 5)
    """
    _check_color_mode(color_mode, "load_img")
    img = _convert_mode(_open_image(path, "load_img"), color_mode)
    if target_size is None:
        return img
    target_size = _check_size(target_size, "load_img", "target_size")
    width_height = (target_size[1], target_size[0])
    if img.size == width_height:
        return img
    if interpolation not in PIL_INTERPOLATION_METHODS:
        raise ValueError(
            f"load_img: interpolation must be one of {tuple(PIL_INTERPOLATION_METHODS)}; "
            f"received interpolation={interpolation!r}"
        )
    resample = PIL_INTERPOLATION_METHODS[interpolation]
    if not keep_aspect_ratio:
        return img.resize(width_height, resample)
    width, height = img.size
    crop_height = min(height, (width * target_size[0]) // target_size[1])
    crop_width = min(width, (height * target_size[1]) // target_size[0])
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return img.resize(width_height, resample, box=(left, top, left + crop_width, top + crop_height))


def img_to_array(img, data_format=None, dtype=None):
    """A Pillow image as a 3-D NumPy array (``(h, w, c)``, or ``(c, h, w)`` for ``channels_first``).

    Example:
        >>> img_to_array(Image.new("L", (4, 2))).shape
        (2, 4, 1)
    """
    data_format = config.standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 2:
        x = x[None] if data_format == "channels_first" else x[:, :, None]
    elif x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    else:
        raise ValueError(f"img_to_array: expected an image of rank 2 or 3; received an array of shape {x.shape}")
    return x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3-D array (1, 3 or 4 channels) as a Pillow image (``L``/``I``, ``RGB`` or ``RGBA``).

    Args:
        x: the image, ``(h, w, c)`` or ``(c, h, w)`` per ``data_format``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).
        scale: stretch the values so that the minimum becomes 0 and the maximum 255.
            With ``scale=False`` the values must already be in ``[0, 255]`` (one-channel
            images above 255 become 32-bit ``"I"`` images).
        dtype: the float type of the intermediate array (default ``floatx()``).

    Example:
        >>> array_to_img(np.random.rand(8, 8, 3)).mode
        'RGB'
    """
    data_format = config.standardize_data_format(data_format)
    x = np.asarray(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected a single image of rank 3; received an array of shape {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    channels = x.shape[2]
    if channels not in (1, 3, 4):
        raise ValueError(
            f"array_to_img: expected 1, 3 or 4 channels on the {data_format} channel axis; "
            f"received shape {x.shape} ({channels} channels)"
        )
    if scale:
        x = x - np.min(x)
        peak = np.max(x)
        if peak != 0:
            x = x / peak
        x = x * 255
    if x.size and not np.isfinite(x).all():
        raise ValueError("array_to_img: the image contains NaN or infinite values")
    if channels == 1 and x.size and np.max(x) > 255:
        return Image.fromarray(x[:, :, 0].astype("int32"), "I")
    if x.size and not (np.min(x) > -1 and np.max(x) < 256):
        raise ValueError(
            f"array_to_img: with scale=False the values must lie in [0, 255]; received values in "
            f"[{np.min(x)}, {np.max(x)}]. Pass scale=True to stretch them into that range"
        )
    x = x.astype("uint8")
    if channels == 1:
        return Image.fromarray(x[:, :, 0], "L")
    return Image.fromarray(x, "RGBA" if channels == 4 else "RGB")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Save an image array to ``path`` (written atomically) or to an open binary file object.

    Args:
        path: file path or binary file object.
        x: the image array (see :func:`array_to_img`).
        data_format: ``"channels_last"`` or ``"channels_first"``.
        file_format: Pillow format name (``"png"``, ``"jpeg"``, ...); by default the
            path's extension. Required for file objects.
        scale: stretch values to ``[0, 255]`` first (see :func:`array_to_img`).
        **kwargs: passed to ``PIL.Image.Image.save`` (e.g. ``quality=95``).

    Example:
        >>> import tempfile
        >>> save_img(os.path.join(tempfile.mkdtemp(), "noise.jpg"), np.random.rand(8, 8, 3))
    """
    is_path = isinstance(path, (str, bytes, os.PathLike))
    if file_format is None:
        if not is_path:
            raise ValueError("save_img: pass file_format= (e.g. 'png') when saving to a file object")
        file_format = pathlib.Path(os.fsdecode(path)).suffix[1:]
        if not file_format:
            raise ValueError(f"save_img: cannot tell the image format of {os.fsdecode(path)!r}; pass file_format= (e.g. 'png')")
    file_format = file_format.lower()
    if file_format == "jpg":
        file_format = "jpeg"
    Image.init()
    if file_format.upper() not in Image.SAVE:
        raise ValueError(
            f"save_img: unknown file_format {file_format!r}; Pillow can write {sorted(f.lower() for f in Image.SAVE)}"
        )
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("save_img: JPEG has no alpha channel; saving the RGBA image as RGB", stacklevel=2)
        img = img.convert("RGB")
    if not is_path:
        img.save(path, format=file_format, **kwargs)
        return
    with atomic_write(os.fsdecode(path), "wb") as handle:
        img.save(handle, format=file_format, **kwargs)


def _check_size(size, caller, name):
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (size, size)
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in size)
    ):
        raise ValueError(f"{caller}: {name} must be (height, width), two positive integers; received {name}={size!r}")
    return int(size[0]), int(size[1])


def _aspect_box(height, width, target_height, target_width, grow):
    """The (height, width) of the box with the target's aspect ratio inside (or, with grow, around) the image."""
    box_height = int(float(width * target_height) / target_width)
    box_width = int(float(height * target_width) / target_height)
    if grow:
        return max(height, box_height), max(width, box_width)
    return max(min(height, box_height), 1), max(min(width, box_width), 1)


def resize_image(image, size, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_value=0.0, data_format="channels_last"):
    """Resize a float image or batch (NumPy or torch, ``(h, w, c)`` or ``(b, h, w, c)``) with torch's kernels.

    ``crop_to_aspect_ratio`` first takes the largest centred crop with the target's
    aspect ratio; ``pad_to_aspect_ratio`` instead pads with ``fill_value`` around the
    image. Bilinear and bicubic use half-pixel centres without antialiasing, and
    nearest is ``nearest-exact``: the same numbers as Keras's torch backend.
    Returns a float32 torch tensor on the CPU.

    Example:
        >>> resize_image(np.ones((4, 6, 3)), (2, 2), crop_to_aspect_ratio=True).shape
        torch.Size([2, 2, 3])
    """
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(
            f"resize_image: interpolation must be one of {tuple(RESIZE_INTERPOLATIONS)}; received interpolation={interpolation!r}"
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize_image: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True")
    size = _check_size(size, "resize_image", "size")
    images = torch.as_tensor(np.asarray(image) if not isinstance(image, torch.Tensor) else image)
    if images.ndim not in (3, 4):
        raise ValueError(f"resize_image: expected (h, w, c) or (b, h, w, c); received shape {tuple(images.shape)}")
    single = images.ndim == 3
    images = images.to(torch.float32)
    if single:
        images = images[None]
    if data_format == "channels_last":
        images = images.permute(0, 3, 1, 2)
    height, width = images.shape[-2:]
    if crop_to_aspect_ratio:
        box_h, box_w = _aspect_box(height, width, *size, grow=False)
        top, left = (height - box_h) // 2, (width - box_w) // 2
        images = images[:, :, top:top + box_h, left:left + box_w]
    elif pad_to_aspect_ratio:
        box_h, box_w = _aspect_box(height, width, *size, grow=True)
        top, left = (box_h - height) // 2, (box_w - width) // 2
        if top or left:
            padded = images.new_full((*images.shape[:2], height + 2 * top, width + 2 * left), float(fill_value))
            padded[:, :, top:top + height, left:left + width] = images
            images = padded
    if tuple(images.shape[-2:]) != size:
        corners = {"align_corners": False} if interpolation != "nearest" else {}
        images = F.interpolate(images, size=size, mode=RESIZE_INTERPOLATIONS[interpolation], **corners)
    if data_format == "channels_last":
        images = images.permute(0, 2, 3, 1)
    return images[0] if single else images


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last"):
    """Resize an image (or batch) to ``size`` without distorting it: centre-crop to the aspect ratio, then resize.

    Returns a NumPy array for NumPy input, else a torch tensor.

    Example:
        >>> smart_resize(np.random.rand(340, 500, 3), (200, 200)).shape
        (200, 200, 3)
    """
    data_format = config.standardize_data_format(data_format)
    out = resize_image(x, size, interpolation=interpolation, crop_to_aspect_ratio=True, data_format=data_format)
    if isinstance(x, np.ndarray):
        return out.numpy()
    return out
