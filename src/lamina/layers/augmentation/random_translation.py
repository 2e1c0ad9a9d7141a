"""``RandomTranslation``: shift each training image by a random fraction of its height and width.

Example:
    >>> RandomTranslation(0.1, 0.1)(torch.ones(1, 4, 4, 1)).shape
    torch.Size([1, 4, 4, 1])
"""
import torch

from lamina.core import registry
from lamina.layers.augmentation.affine import BaseRandomAffine


@registry.register()
class RandomTranslation(BaseRandomAffine):
    """Translate by random fractions of the image size (positive: down / right).

    Args:
        height_factor: a number ``f`` (shift in ``[-f, f] * height``) or a pair ``(low, high)`` within [-1, 1].
        width_factor: the same for the width.
        fill_mode, interpolation, seed, fill_value, data_format: as :class:`RandomRotation`.

    Example:
        >>> layer = RandomTranslation(0.0, (0.5, 0.5), fill_mode="constant")  # always 2 pixels right
        >>> layer(torch.arange(1.0, 5.0).reshape(1, 1, 4, 1), training=True)[0, 0, :, 0].tolist()
        [0.0, 0.0, 1.0, 2.0]
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_range = self._check_factor(height_factor, "height_factor", -1.0, 1.0)
        self._width_range = self._check_factor(width_factor, "width_factor", -1.0, 1.0)

    def _transforms(self, batch, height, width, like):
        dy = self._uniform((batch,), *self._height_range, like) * height
        dx = self._uniform((batch,), *self._width_range, like) * width
        ones, zeros = torch.ones_like(dx), torch.zeros_like(dx)
        return torch.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], dim=1)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config
