"""``Masking``: mark timesteps whose features all equal ``mask_value`` as padding for later layers.

Example:
    >>> x = torch.tensor([[[1.0], [0.0], [2.0]]])
    >>> out = Masking()(x)
    >>> out._keras_mask.tolist()
    [[True, False, True]]
"""
import torch

from lamina.core import registry
from lamina.layers.layer import Layer


@registry.register()
class Masking(Layer):
    """Mask timesteps equal to ``mask_value`` in every feature; they are zeroed and skipped downstream.

    Layers that support masking (RNNs, attention, pooling, ...) receive the mask
    ``(batch, time)``: ``True`` where any feature differs from ``mask_value``.

    Args:
        mask_value: the padding value (default ``0.0``).

    Example:
        >>> x = torch.zeros(1, 4, 2); x[0, :2] = 1.0
        >>> Masking()(x)._keras_mask.tolist()
        [[True, True, False, False]]
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, previous_mask=None):
        return torch.any(inputs != self.mask_value, dim=-1)

    def call(self, inputs):
        keep = torch.any(inputs != self.mask_value, dim=-1, keepdim=True)
        return inputs * keep.to(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
