"""``Resizing``: resize images to a fixed ``(height, width)``, in training and at inference.

Example:
    >>> Resizing(180, 180)(torch.rand(2, 240, 320, 3)).shape
    torch.Size([2, 180, 180, 3])
"""
from lamina.core import registry
from lamina.layers.augmentation.image_layer import ImageLayer
from lamina.layers.augmentation.resize import INTERPOLATIONS, batched, resize_images
from lamina.layers.convolutional import conv_utils


@registry.register()
class Resizing(ImageLayer):
    """Resize to ``(height, width)`` with torch's interpolation (as Keras's torch backend).

    Args:
        height, width: the output size.
        interpolation: ``'bilinear'`` (default), ``'nearest'`` or ``'bicubic'``.
        crop_to_aspect_ratio: first crop the largest centred window with the target aspect ratio.
        pad_to_aspect_ratio: first pad evenly (with ``fill_value``) to the target aspect ratio.
        fill_mode: ``'constant'`` (the only mode, as in Keras).
        fill_value: the padding value.
        antialias: smooth when downsampling (bilinear and bicubic).
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    Example:
        >>> Resizing(2, 2, crop_to_aspect_ratio=True)(torch.ones(1, 4, 8, 1)).shape
        torch.Size([1, 2, 2, 1])
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = conv_utils.positive_int(height, "height", self._label)
        self.width = conv_utils.positive_int(width, "width", self._label)
        self.interpolation = conv_utils.normalize_choice(interpolation, tuple(INTERPOLATIONS), "interpolation",
                                                         self._label)
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(f"{self._label}: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be True")
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = conv_utils.normalize_choice(fill_mode, ("constant",), "fill_mode", self._label)
        self.fill_value = float(fill_value)
        self.antialias = bool(antialias)

    def call(self, inputs):
        return batched(resize_images, self._float(inputs), (self.height, self.width), self.interpolation,
                       self.antialias, self.crop_to_aspect_ratio, self.pad_to_aspect_ratio, self.fill_value,
                       self.data_format)

    def compute_output_shape(self, input_shape):
        return self._resized_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                       "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "antialias": self.antialias})
        return config
