"""Per-image augmentation transforms (Keras 2's ``keras.preprocessing.image`` functions), in NumPy.

The geometry follows Keras's documentation: coordinates are ``x`` (columns, to the
right) and ``y`` (rows, downwards) around the image centre; a positive ``theta``
rotates counter-clockwise (90 degrees on a square image is ``np.rot90``), ``tx`` /
``ty`` shift by that many pixels along ``x`` / ``y`` (content moves towards smaller
indices for positive values), ``zx`` / ``zy`` > 1 zoom out. Pixels are sampled with
linear (``order=1``) or nearest (``order=0``) interpolation and the fill modes of
``scipy.ndimage`` (``"nearest"``, ``"constant"``, ``"reflect"``, ``"wrap"``), so square
images give the same numbers as Keras's SciPy-based implementation.

Two deliberate differences from Keras 3's legacy code, both documented Keras bugs:
``random_shift`` and ``ImageDataGenerator`` apply the width shift horizontally and
the height shift vertically (keras-team/keras#17398), and rotations of non-square
images turn around the true centre.

Example:
    >>> x = np.arange(9.0).reshape(3, 3, 1)
    >>> y = apply_affine_transform(x, theta=90, row_axis=0, col_axis=1, channel_axis=2)
    >>> np.allclose(y[:, :, 0], np.rot90(x[:, :, 0]))
    True
"""
import numpy as np
from PIL import ImageEnhance

from lamina.utils.image_utils import array_to_img, img_to_array

FILL_MODES = ("nearest", "constant", "reflect", "wrap")
INTERPOLATION_ORDERS = (0, 1)
_EDGE_TOLERANCE = 1e-6  # coordinates this close outside the border are on it (exact 90-degree turns stay exact)


def _check_axes(x, row_axis, col_axis, channel_axis):
    if x.ndim != 3:
        raise ValueError(f"apply_affine_transform: expected one image of rank 3; received shape {x.shape}")
    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2]:
        raise ValueError(
            "apply_affine_transform: row_axis, col_axis and channel_axis must be 0, 1 and 2 in some order; "
            f"received {row_axis}, {col_axis}, {channel_axis}"
        )
    if channel_axis not in (0, 2):
        raise ValueError(f"apply_affine_transform: the channel axis must be first or last; received channel_axis={channel_axis}")


def transform_matrix(theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, height=1, width=1):
    """The 3x3 matrix mapping output ``(x, y, 1)`` pixel coordinates to input coordinates.

    Rotation, shift, shear and zoom are composed in that order around the centre of a
    ``height`` x ``width`` image.

    Example:
        >>> transform_matrix(tx=2).tolist()[0]
        [1.0, 0.0, 2.0]
    """
    theta, shear = np.deg2rad(theta), np.deg2rad(shear)
    rotation = np.array([[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1]])
    shift = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], dtype="float64")
    shearing = np.array([[1, -np.sin(shear), 0], [0, np.cos(shear), 0], [0, 0, 1]])
    zoom = np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]], dtype="float64")
    matrix = rotation @ shift @ shearing @ zoom
    cx, cy = width / 2 - 0.5, height / 2 - 0.5
    to_centre = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]])
    from_centre = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]])
    return to_centre @ matrix @ from_centre


def _source_index(coord, size, order, fill_mode):
    """Integer sample positions and weights for the source coordinates along one axis.

    Returns ``(low, high, weight_high, inside)``; ``inside`` is ``None`` unless
    ``fill_mode == 'constant'``. Boundary handling follows ``scipy.ndimage``.
    """
    last = size - 1
    clipped = np.clip(coord, 0, last)
    coord = np.where(np.abs(coord - clipped) <= _EDGE_TOLERANCE, clipped, coord)
    inside = None
    if fill_mode == "constant":
        inside = coord == clipped
        coord = clipped
    elif fill_mode == "nearest":
        coord = np.clip(coord, 0, last)
    elif fill_mode == "wrap":  # scipy's 'wrap': period size - 1, first and last sample coincide
        outside = (coord < 0) | (coord > last)
        coord = np.where(outside, np.mod(coord, last) if last else 0.0, coord)
    elif order == 0:  # 'reflect' (half-sample symmetric) rounds the folded coordinate, as scipy does
        period = 2 * size
        coord = np.mod(coord, period)
        coord = np.where(coord >= size, period - coord - 1, coord)
    if order == 0:
        low = np.floor(coord + 0.5).astype(np.intp)
        return _fold(low, size), None, None, inside
    low = np.floor(coord).astype(np.intp)
    weight = coord - low
    if fill_mode == "reflect":
        return _fold(low, size), _fold(low + 1, size), weight, inside
    return low, np.minimum(low + 1, last), weight, inside


def _fold(index, size):
    """Half-sample-symmetric reflection of integer indices into ``[0, size)``."""
    index = np.mod(index, 2 * size)
    return np.where(index >= size, 2 * size - 1 - index, index)


def _warp(image, matrix, fill_mode, cval, order):
    """Sample ``image`` (h, w, c) at ``matrix @ (x, y, 1)`` for every output pixel."""
    height, width, channels = image.shape
    rows = np.arange(height, dtype="float64")[:, None]
    cols = np.arange(width, dtype="float64")[None, :]
    src_x = matrix[0, 0] * cols + matrix[0, 1] * rows + matrix[0, 2]
    src_y = matrix[1, 1] * rows + matrix[1, 0] * cols + matrix[1, 2]
    r0, r1, wr, inside_r = _source_index(src_y, height, order, fill_mode)
    c0, c1, wc, inside_c = _source_index(src_x, width, order, fill_mode)
    pixels = np.ascontiguousarray(image).reshape(height * width, channels)
    work = np.result_type(image.dtype, np.float32)
    r0 = r0 * width
    if order == 0:
        out = pixels.take(r0 + c0, axis=0).astype(work)
    else:
        r1 = r1 * width
        wr, wc = wr.astype(work)[..., None], wc.astype(work)[..., None]
        top_left = pixels.take(r0 + c0, axis=0).astype(work, copy=False)
        top = top_left + (pixels.take(r0 + c1, axis=0) - top_left) * wc
        bottom_left = pixels.take(r1 + c0, axis=0).astype(work, copy=False)
        bottom = bottom_left + (pixels.take(r1 + c1, axis=0) - bottom_left) * wc
        out = top + (bottom - top) * wr
    if inside_r is not None:
        out[~(inside_r & inside_c)] = cval
    return out.astype(image.dtype, copy=False)


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2, channel_axis=0,
                           fill_mode="nearest", cval=0.0, order=1):
    """Rotate, shift, shear and zoom one image (a 3-D array) around its centre.

    Args:
        x: the image; ``row_axis`` / ``col_axis`` / ``channel_axis`` say its layout
            (Keras's defaults describe ``(channels, rows, cols)``).
        theta: rotation in degrees, counter-clockwise.
        tx, ty: shift in pixels along x (columns) and y (rows).
        shear: shear angle in degrees.
        zx, zy: zoom factors along x and y (above 1 shows more of the image, smaller).
        fill_mode: how points outside the image are filled: ``"nearest"``,
            ``"constant"`` (with ``cval``), ``"reflect"`` or ``"wrap"``.
        cval: the fill value for ``"constant"``.
        order: 1 for linear interpolation, 0 for nearest.

    Returns:
        The transformed image, same shape and dtype (``x`` itself when nothing changes).

    Example:
        >>> img = np.zeros((1, 5, 5)); img[0, 2, 3] = 1
        >>> np.argwhere(apply_affine_transform(img, tx=1, fill_mode="constant")[0] > 0.5).tolist()
        [[2, 2]]
    """
    if fill_mode not in FILL_MODES:
        raise ValueError(f"apply_affine_transform: fill_mode must be one of {FILL_MODES}; received fill_mode={fill_mode!r}")
    if order not in INTERPOLATION_ORDERS:
        raise ValueError(
            f"apply_affine_transform: order (interpolation_order) must be one of {INTERPOLATION_ORDERS} "
            f"(nearest, linear); received order={order!r}"
        )
    x = np.asarray(x)
    _check_axes(x, row_axis, col_axis, channel_axis)
    if theta == 0 and tx == 0 and ty == 0 and shear == 0 and zx == 1 and zy == 1:
        return x
    image = np.moveaxis(x, (row_axis, col_axis, channel_axis), (0, 1, 2))
    matrix = transform_matrix(theta, tx, ty, shear, zx, zy, height=image.shape[0], width=image.shape[1])
    out = _warp(image, matrix, fill_mode, cval, order)
    return np.moveaxis(out, (0, 1, 2), (row_axis, col_axis, channel_axis))


def flip_axis(x, axis):
    """``x`` reversed along ``axis``.

    Example:
        >>> flip_axis(np.arange(3), 0).tolist()
        [2, 1, 0]
    """
    return np.flip(np.asarray(x), axis)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add ``intensity`` to every channel, clipped to the image's original value range.

    Example:
        >>> apply_channel_shift(np.array([[[0.0, 10.0]]]), 5.0, channel_axis=2).tolist()
        [[[5.0, 10.0]]]
    """
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x))


def random_channel_shift(x, intensity_range, channel_axis=0):
    """Channel shift by a uniform draw from ``[-intensity_range, intensity_range]`` (NumPy's global RNG).

    Example:
        >>> random_channel_shift(np.zeros((1, 2, 2)), 10.0).shape
        (1, 2, 2)
    """
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True, data_format=None):
    """Multiply the brightness by ``brightness`` with Pillow (1 keeps it, 0 is black).

    As in Keras, the image goes through an 8-bit Pillow image: values are quantised to
    integers in ``[0, 255]`` (an image outside that range is stretched into it and, with
    ``scale=False``, stretched back afterwards); with ``scale=True`` the result keeps the
    0-255 range. Only 1, 3 or 4 channels.

    Example:
        >>> apply_brightness_shift(np.full((2, 2, 3), 100.0), 0.5, scale=False, data_format="channels_last")[0, 0].tolist()
        [50.0, 50.0, 50.0]
    """
    x = np.asarray(x)
    low, high = np.min(x), np.max(x)
    outside = low < 0 or high > 255
    img = array_to_img(x, data_format=data_format, scale=outside or scale)
    out = img_to_array(ImageEnhance.Brightness(img).enhance(brightness), data_format=data_format)
    if outside and not scale:
        out = out / 255 * (high - low) + low
    return out


def random_brightness(x, brightness_range, scale=True, data_format=None):
    """Brightness shift by a uniform draw from ``brightness_range`` (NumPy's global RNG).

    Example:
        >>> random_brightness(np.full((2, 2, 3), 100.0), (0.5, 1.5), data_format="channels_last").shape
        (2, 2, 3)
    """
    _check_range_pair(brightness_range, "random_brightness", "brightness_range")
    return apply_brightness_shift(x, np.random.uniform(brightness_range[0], brightness_range[1]), scale, data_format)


def _check_range_pair(value, caller, name):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{caller}: {name} must be a tuple or list of two floats; received {name}={value!r}")


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                    interpolation_order=1):
    """Rotate by a uniform draw from ``[-rg, rg]`` degrees (NumPy's global RNG).

    Example:
        >>> random_rotation(np.zeros((1, 4, 4)), 30).shape
        (1, 4, 4)
    """
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
                                  fill_mode=fill_mode, cval=cval, order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                 interpolation_order=1):
    """Shift by up to ``wrg`` of the width horizontally and ``hrg`` of the height vertically.

    Example:
        >>> random_shift(np.zeros((1, 4, 4)), 0.1, 0.1).shape
        (1, 4, 4)
    """
    height, width = x.shape[row_axis], x.shape[col_axis]
    ty = np.random.uniform(-hrg, hrg) * height  # drawn first, as Keras draws its height shift first
    tx = np.random.uniform(-wrg, wrg) * width
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
                                  fill_mode=fill_mode, cval=cval, order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                 interpolation_order=1):
    """Shear by a uniform draw from ``[-intensity, intensity]`` degrees.

    Example:
        >>> random_shear(np.zeros((1, 4, 4)), 10).shape
        (1, 4, 4)
    """
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
                                  fill_mode=fill_mode, cval=cval, order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                interpolation_order=1):
    """Zoom by independent uniform draws from ``zoom_range`` along x and y.

    Example:
        >>> random_zoom(np.zeros((1, 4, 4)), (0.9, 1.1)).shape
        (1, 4, 4)
    """
    _check_range_pair(zoom_range, "random_zoom", "zoom_range")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
                                  fill_mode=fill_mode, cval=cval, order=interpolation_order)
