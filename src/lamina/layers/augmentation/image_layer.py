"""``ImageLayer``: the base of the image preprocessing and augmentation layers.

Inputs are a batch ``(batch, height, width, channels)`` or a single image ``(height,
width, channels)`` (``channels_first`` moves the channels after the batch axis).
Integer images (``uint8`` pixels) are cast to the layer's float dtype. Random layers
draw from torch's global generator, or from a private one when given a ``seed``, and
are the identity unless called with ``training=True`` (``fit`` does that).

Example:
    >>> layer = ImageLayer()
    >>> layer._height_width_axes(torch.zeros(2, 5, 6, 3)), layer._height_width_axes(torch.zeros(5, 6, 3))
    ((1, 2), (0, 1))
"""
import numbers

import torch

from lamina.core.dtypes import to_torch_dtype
from lamina.layers.convolutional import conv_utils
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.regularization.dropout import SeededNoise


class ImageLayer(Layer):
    """Shared machinery: ``data_format``, the rank check (3 or 4 dimensions), casting, random draws.

    Example:
        >>> ImageLayer(data_format="channels_first")._expected_layout
        '(batch, channels, height, width) or (channels, height, width)'
    """

    def __init__(self, data_format=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format, self._label)
        self.seed = seed
        self._noise = SeededNoise(seed)
        layout = conv_utils.SPATIAL_LAYOUTS[(self.data_format, 2)]
        self._expected_layout = f"{layout} or ({layout[len('(batch, '):]}"
        self.input_spec = InputSpec(min_ndim=3, max_ndim=4)
        self.built = True

    def _height_width_axes(self, images):
        offset = images.dim() - 3  # 1 for a batch, 0 for a single image
        return (offset, offset + 1) if self.data_format == "channels_last" else (offset + 1, offset + 2)

    def _float(self, images):
        """Integer images as the layer's float dtype (float images are already cast by the base layer)."""
        if images.is_floating_point():
            return images
        return images.to(to_torch_dtype(self.dtype))

    def _uniform(self, shape, low, high, like):
        """Uniform draws in ``[low, high)`` on ``like``'s device (the layer's generator when seeded)."""
        draws = torch.empty(shape, dtype=torch.float32, device=like.device)
        return draws.uniform_(low, high, generator=self._noise.generator(like.device))

    def _check_factor(self, value, name, low, high, symmetric=True):
        """``(lower, upper)`` from Keras's factor argument: a number ``f`` means ``(-f, f)``, a pair is used as is."""
        message = (f"{self._label}: {name} must be a number or a pair of numbers in [{low}, {high}]; "
                   f"received {name}={value!r}")
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            lower, upper = (-abs(value), abs(value)) if symmetric else (0.0, float(value))
        elif isinstance(value, (tuple, list)) and len(value) == 2 and all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value):
            lower, upper = sorted(float(v) for v in value)
        else:
            raise ValueError(message)
        if not (low <= lower and upper <= high):
            raise ValueError(message)
        return float(lower), float(upper)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def _resized_shape(self, input_shape):
        """``input_shape`` with height and width replaced by ``self.height``/``self.width``."""
        shape = list(input_shape)
        height_axis = len(shape) - 3 if self.data_format == "channels_last" else len(shape) - 2
        shape[height_axis:height_axis + 2] = [self.height, self.width]
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
