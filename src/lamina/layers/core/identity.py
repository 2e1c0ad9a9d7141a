"""``Identity``: returns its input unchanged.

Example:
    >>> Identity()(torch.ones(2)).tolist()
    [1.0, 1.0]
"""
from lamina.core import registry
from lamina.layers.layer import Layer


@registry.register()
class Identity(Layer):
    """A placeholder layer that passes its input (and mask) through.

    Example:
        >>> Identity(name="noop").name
        'noop'
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
