"""``RandomCrop``: a random ``(height, width)`` window of the training batch; the centre window at inference.

Example:
    >>> RandomCrop(3, 3)(torch.rand(2, 5, 6, 1), training=True).shape
    torch.Size([2, 3, 3, 1])
"""
import torch

from lamina.core import registry
from lamina.layers.augmentation.image_layer import ImageLayer
from lamina.layers.augmentation.resize import batched, smart_resize
from lamina.layers.convolutional import conv_utils


@registry.register()
class RandomCrop(ImageLayer):
    """Crop ``(height, width)`` at a random position in training (one position per batch, as Keras).

    At inference, and when an image is smaller than the target, the largest centred window
    with the target's aspect ratio is resized to ``(height, width)``, so the output size is
    always the same.

    Args:
        height, width: the output size.
        seed: integer seed for reproducible crops.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    Example:
        >>> RandomCrop(2, 2)(torch.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0].tolist()  # inference
        [[2.5, 4.5], [10.5, 12.5]]
    """

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.height = conv_utils.positive_int(height, "height", self._label)
        self.width = conv_utils.positive_int(width, "width", self._label)
        self._offsets = torch.Generator()
        self._offsets.manual_seed(seed if seed is not None else int(torch.randint(2**31, ())))

    def call(self, inputs, training=False):
        images = self._float(inputs)
        height_axis, width_axis = self._height_width_axes(images)
        height, width = images.shape[height_axis], images.shape[width_axis]
        if not training or height < self.height or width < self.width:
            if (height, width) == (self.height, self.width):
                return images
            return batched(smart_resize, images, (self.height, self.width), self.data_format)
        # the offsets are drawn on the CPU: no device synchronisation for the slice bounds
        top = int(torch.randint(height - self.height + 1, (), generator=self._offsets))
        left = int(torch.randint(width - self.width + 1, (), generator=self._offsets))
        return images.narrow(height_axis, top, self.height).narrow(width_axis, left, self.width)

    def compute_output_shape(self, input_shape):
        return self._resized_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config
