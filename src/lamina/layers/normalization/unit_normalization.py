"""``UnitNormalization``: scale each sample to unit L2 norm over ``axis``.

Example:
    >>> UnitNormalization()(torch.tensor([[3.0, 4.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929]]
"""
import torch

from lamina.core import registry
from lamina.layers.layer import Layer
from lamina.layers.normalization.norm_utils import check_axis_type, normalize_axes


@registry.register()
class UnitNormalization(Layer):
    """``x / ||x||`` over ``axis`` (an int or a list of ints); an all-zero vector stays zero.

    Example:
        >>> UnitNormalization(axis=[1, 2])(torch.ones(1, 2, 2)).tolist()
        [[[0.5, 0.5], [0.5, 0.5]]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_axis_type(axis, self._label)
        self.supports_masking = True

    def build(self, input_shape):
        self._axes = normalize_axes(self.axis, len(input_shape), self._label)
        self.built = True

    def call(self, inputs):
        inverse_norm = torch.rsqrt(inputs.square().sum(dim=self._axes, keepdim=True)).clamp(max=1e12)
        return inputs * inverse_norm

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
