"""``RandomFlip``: flip training images left-right and/or up-down at random.

Example:
    >>> x = torch.rand(4, 5, 5, 3)
    >>> torch.equal(RandomFlip("horizontal")(x), x)  # inference: unchanged
    True
"""
import torch

from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.augmentation.image_layer import ImageLayer
from lamina.layers.convolutional import conv_utils

_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


@registry.register()
class RandomFlip(ImageLayer):
    """Flip each image with probability 1/2 along the chosen axes (independently for ``'horizontal_and_vertical'``).

    Args:
        mode: ``'horizontal'`` (left-right), ``'vertical'`` (up-down) or ``'horizontal_and_vertical'``.
        seed: integer seed for reproducible flips.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    Example:
        >>> flips = RandomFlip("horizontal", seed=0)(torch.tensor([[[[1.0], [2.0]]]] * 8), training=True)
        >>> sorted({tuple(image[0, :, 0].tolist()) for image in flips})
        [(1.0, 2.0), (2.0, 1.0)]
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.mode = conv_utils.normalize_choice(mode, _MODES, "mode", self._label)

    def call(self, inputs, training=False):
        images = self._float(inputs)
        if not training or in_symbolic_scope():
            return images
        height_axis, width_axis = self._height_width_axes(images)
        axes = {"horizontal": [width_axis], "vertical": [height_axis]}.get(self.mode, [width_axis, height_axis])
        shape = (images.shape[0],) + (1,) * (images.dim() - 1) if images.dim() == 4 else (1,) * images.dim()
        for axis in axes:  # one independent coin per image and axis
            flip = self._uniform(shape, 0.0, 1.0, images) < 0.5
            images = torch.where(flip, images.flip(axis), images)
        return images

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed, "mode": self.mode})
        return config
