"""Resampling images through affine maps, and ``BaseRandomAffine`` (RandomRotation, RandomZoom, RandomTranslation).

A transform is Keras's 8-vector ``[a0, a1, a2, b0, b1, b2, c0, c1]``: output pixel ``(x, y)``
reads the input at ``x' = (a0 x + a1 y + a2) / k``, ``y' = (b0 x + b1 y + b2) / k`` with
``k = c0 x + c1 y + 1`` (pixel centres at integer coordinates). Points outside the image
follow ``fill_mode``: ``'reflect'`` (d c b a | a b c d | d c b a), ``'wrap'``
(a b c d | a b c d), ``'nearest'`` (a a a | a b c d) or ``'constant'`` (``fill_value``).

Example:
    >>> image = torch.arange(4.0).reshape(1, 1, 4, 1)  # one row: 0 1 2 3
    >>> shift = torch.tensor([[1.0, 0, -1, 0, 1, 0, 0, 0]])  # read one pixel to the left
    >>> affine_transform(image, shift, fill_mode="reflect")[0, 0, :, 0].tolist()
    [0.0, 0.0, 1.0, 2.0]
"""
import torch

from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.augmentation.image_layer import ImageLayer
from lamina.layers.convolutional import conv_utils

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


def _fix_index(index, size, fill_mode):
    """Map integer sample positions outside ``[0, size)`` back inside, as ``fill_mode`` says."""
    if fill_mode == "wrap":
        return torch.remainder(index, size)
    if fill_mode == "reflect":  # period 2 * size, edge pixels repeated
        index = torch.remainder(index, 2 * size)
        return torch.where(index >= size, 2 * size - 1 - index, index)
    return index.clamp(0, size - 1)  # nearest, and constant (whose outside points are masked later)


def _nodes(coordinate, interpolation):
    """Integer sample positions and their weights along one axis."""
    if interpolation == "nearest":
        return [(torch.round(coordinate).long(), None)]
    lower = torch.floor(coordinate)
    upper_weight = coordinate - lower
    lower = lower.long()
    return [(lower, 1.0 - upper_weight), (lower + 1, upper_weight)]


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0.0):
    """Resample channels-last ``images`` ``(batch, height, width, channels)`` through ``transform`` ``(batch, 8)``.

    Example:
        >>> identity = torch.tensor([[1.0, 0, 0, 0, 1, 0, 0, 0]])
        >>> x = torch.rand(1, 3, 3, 2)
        >>> torch.equal(affine_transform(x, identity), x)
        True
    """
    batch, height, width, channels = images.shape
    t = transform.to(images.dtype).unsqueeze(-1).unsqueeze(-1)  # (batch, 8, 1, 1)
    ys = torch.arange(height, dtype=images.dtype, device=images.device).reshape(1, height, 1)
    xs = torch.arange(width, dtype=images.dtype, device=images.device).reshape(1, 1, width)
    k = t[:, 6] * xs + t[:, 7] * ys + 1.0
    x_in = (t[:, 0] * xs + t[:, 1] * ys + t[:, 2]) / k
    y_in = (t[:, 3] * xs + t[:, 4] * ys + t[:, 5]) / k
    flat = images.reshape(batch, height * width, channels)
    out = None
    for y_index, y_weight in _nodes(y_in, interpolation):
        for x_index, x_weight in _nodes(x_in, interpolation):
            index = _fix_index(y_index, height, fill_mode) * width + _fix_index(x_index, width, fill_mode)
            values = torch.gather(flat, 1, index.reshape(batch, -1, 1).expand(-1, -1, channels))
            values = values.reshape(batch, height, width, channels)
            if fill_mode == "constant":
                inside = (y_index >= 0) & (y_index < height) & (x_index >= 0) & (x_index < width)
                values = torch.where(inside.unsqueeze(-1), values, fill_value)
            if y_weight is not None:
                values = values * (y_weight * x_weight).unsqueeze(-1)
            out = values if out is None else out + values
    return out


class BaseRandomAffine(ImageLayer):
    """A random affine map per image in training (subclasses build the transforms); the identity at inference.

    Example:
        >>> layer = BaseRandomAffine(fill_mode="wrap")
        >>> layer.fill_mode, layer.interpolation
        ('wrap', 'bilinear')
    """

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.fill_mode = conv_utils.normalize_choice(fill_mode, FILL_MODES, "fill_mode", self._label)
        self.interpolation = conv_utils.normalize_choice(interpolation, INTERPOLATIONS, "interpolation", self._label)
        self.fill_value = float(fill_value)

    def _transforms(self, batch, height, width, like):
        """The ``(batch, 8)`` transforms of one call; subclasses draw them."""
        raise NotImplementedError

    def call(self, inputs, training=False):
        images = self._float(inputs)
        if not training or in_symbolic_scope():
            return images
        single = images.dim() == 3
        x = images.unsqueeze(0) if single else images
        if self.data_format == "channels_first":
            x = x.permute(0, 2, 3, 1)
        transforms = self._transforms(x.shape[0], x.shape[1], x.shape[2], x)
        out = affine_transform(x, transforms, self.interpolation, self.fill_mode, self.fill_value)
        if self.data_format == "channels_first":
            out = out.permute(0, 3, 1, 2)
        return out[0] if single else out

    def get_config(self):
        config = super().get_config()
        config.update({"fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                       "fill_value": self.fill_value})
        return config
