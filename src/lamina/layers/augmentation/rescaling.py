"""``Rescaling``: ``inputs * scale + offset`` (e.g. ``1 / 255`` to map pixels to [0, 1]).

Example:
    >>> Rescaling(1 / 255)(torch.tensor([0, 255], dtype=torch.uint8)).tolist()
    [0.0, 1.0]
"""
import torch

from lamina.core import registry
from lamina.core.dtypes import to_torch_dtype
from lamina.layers.layer import Layer


@registry.register()
class Rescaling(Layer):
    """Multiply by ``scale`` and add ``offset``, in training and at inference; integer inputs become floats.

    Args:
        scale: a number (or a per-channel list broadcast over the last axis).
        offset: a number (or a per-channel list) added after scaling (``-1`` with ``scale=1/127.5``
            maps [0, 255] to [-1, 1]).

    Example:
        >>> Rescaling(1 / 127.5, offset=-1)(torch.tensor([0.0, 255.0])).tolist()
        [-1.0, 1.0]
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        dtype = to_torch_dtype(self.dtype)
        x = inputs if inputs.dtype == dtype else inputs.to(dtype)
        scale = self.scale if isinstance(self.scale, (int, float)) else torch.as_tensor(self.scale, dtype=dtype)
        offset = self.offset if isinstance(self.offset, (int, float)) else torch.as_tensor(self.offset, dtype=dtype)
        return x * scale + offset

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config
