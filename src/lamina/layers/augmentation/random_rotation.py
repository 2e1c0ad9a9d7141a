"""``RandomRotation``: rotate each training image by a random angle about its centre.

Example:
    >>> x = torch.rand(2, 8, 8, 3)
    >>> torch.equal(RandomRotation(0.1)(x), x)  # inference: unchanged
    True
"""
import math

import torch

from lamina.core import registry
from lamina.layers.augmentation.affine import BaseRandomAffine


def rotation_transforms(angles, height, width):
    """Keras's transforms rotating by ``angles`` (radians, counter-clockwise) about the image centre.

    Example:
        >>> rotation_transforms(torch.tensor([math.pi / 2]), 3, 3).round().tolist()  # 90 degrees about (1, 1)
        [[-0.0, -1.0, 2.0, 1.0, -0.0, 0.0, 0.0, 0.0]]
    """
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    cos, sin = torch.cos(angles), torch.sin(angles)
    zeros = torch.zeros_like(angles)
    return torch.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos, zeros, zeros], dim=1)


@registry.register()
class RandomRotation(BaseRandomAffine):
    """Rotate by a random fraction of a full turn drawn from ``factor`` (``0.1``: up to +-36 degrees).

    Args:
        factor: a number ``f`` (angles in ``[-f, f] * 2 pi``) or a pair ``(low, high)``, within [-1, 1].
        fill_mode: ``'reflect'`` (default), ``'wrap'``, ``'constant'`` or ``'nearest'``: how points
            outside the image are filled.
        interpolation: ``'bilinear'`` or ``'nearest'``.
        seed: integer seed for reproducible rotations.
        fill_value: the value of ``'constant'`` filling.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    Example:
        >>> quarter = RandomRotation((0.25, 0.25), interpolation="nearest")
        >>> quarter(torch.tensor([[[1.0], [2.0]], [[3.0], [4.0]]]), training=True)[..., 0].tolist()
        [[2.0, 4.0], [1.0, 3.0]]
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = self._check_factor(factor, "factor", -1.0, 1.0)

    def _transforms(self, batch, height, width, like):
        angles = self._uniform((batch,), self.factor[0], self.factor[1], like) * (2 * math.pi)
        return rotation_transforms(angles, height, width)

    def get_config(self):
        config = super().get_config()
        config["factor"] = self.factor
        return config
