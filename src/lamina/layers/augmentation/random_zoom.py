"""``RandomZoom``: zoom each training image in or out by a random amount about its centre.

Example:
    >>> RandomZoom(0.2)(torch.ones(1, 4, 4, 1)).shape
    torch.Size([1, 4, 4, 1])
"""
import torch

from lamina.core import registry
from lamina.layers.augmentation.affine import BaseRandomAffine


def zoom_transforms(width_zoom, height_zoom, height, width):
    """Keras's transforms scaling sampling positions by ``(width_zoom, height_zoom)`` about the centre (> 1: zoom out).

    Example:
        >>> zoom_transforms(torch.tensor([2.0]), torch.tensor([1.0]), 3, 5).tolist()
        [[2.0, 0.0, -2.0, 0.0, 1.0, 0.0, 0.0, 0.0]]
    """
    zeros = torch.zeros_like(width_zoom)
    x_offset = 0.5 * (width - 1) * (1.0 - width_zoom)
    y_offset = 0.5 * (height - 1) * (1.0 - height_zoom)
    return torch.stack([width_zoom, zeros, x_offset, zeros, height_zoom, y_offset, zeros, zeros], dim=1)


@registry.register()
class RandomZoom(BaseRandomAffine):
    """Zoom by random factors: positive ``height_factor`` values zoom out, negative ones zoom in.

    Args:
        height_factor: a number ``f`` (zoom in ``[1 - f, 1 + f]``) or a pair ``(low, high)`` within (-1, 1].
        width_factor: the same for the width; ``None`` keeps the aspect ratio (same zoom as the height).
        fill_mode, interpolation, seed, fill_value, data_format: as :class:`RandomRotation`.

    Example:
        >>> layer = RandomZoom((-0.5, -0.5), interpolation="nearest")  # always 2x zoom in
        >>> layer(torch.arange(16.0).reshape(1, 4, 4, 1), training=True)[0, :, :, 0].tolist()[1]
        [5.0, 5.0, 6.0, 6.0]
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_range = self._check_zoom(height_factor, "height_factor")
        self._width_range = None if width_factor is None else self._check_zoom(width_factor, "width_factor")

    def _check_zoom(self, factor, name):
        lower, upper = self._check_factor(factor, name, -1.0, 1.0)
        if lower <= -1.0:
            raise ValueError(f"{self._label}: {name} must be greater than -1 (a zoom of 0); received {name}={factor!r}")
        return lower, upper

    def _transforms(self, batch, height, width, like):
        height_zoom = 1.0 + self._uniform((batch,), *self._height_range, like)
        width_zoom = height_zoom
        if self._width_range is not None:
            width_zoom = 1.0 + self._uniform((batch,), *self._width_range, like)
        return zoom_transforms(width_zoom, height_zoom, height, width)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config
