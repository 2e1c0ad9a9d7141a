"""``CenterCrop``: the central ``(height, width)`` window of each image, in training and at inference.

Example:
    >>> CenterCrop(2, 2)(torch.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0].tolist()
    [[5.0, 6.0], [9.0, 10.0]]
"""
from lamina.core import registry
from lamina.layers.augmentation.image_layer import ImageLayer
from lamina.layers.augmentation.resize import batched, smart_resize
from lamina.layers.convolutional import conv_utils


@registry.register()
class CenterCrop(ImageLayer):
    """Crop the centre; an image smaller than the target is first cropped to its aspect ratio and resized (as Keras).

    Args:
        height, width: the output size.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    Example:
        >>> CenterCrop(6, 4)(torch.ones(1, 4, 4, 3)).shape
        torch.Size([1, 6, 4, 3])
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = conv_utils.positive_int(height, "height", self._label)
        self.width = conv_utils.positive_int(width, "width", self._label)

    def call(self, inputs):
        images = self._float(inputs)
        height_axis, width_axis = self._height_width_axes(images)
        height, width = images.shape[height_axis], images.shape[width_axis]
        if height < self.height or width < self.width:
            return batched(smart_resize, images, (self.height, self.width), self.data_format)
        top, left = (height - self.height) // 2, (width - self.width) // 2
        return images.narrow(height_axis, top, self.height).narrow(width_axis, left, self.width)

    def compute_output_shape(self, input_shape):
        return self._resized_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config
