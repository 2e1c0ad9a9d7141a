"""``ActivityRegularization``: add an L1/L2 penalty on the activations to the loss.

Example:
    >>> layer = ActivityRegularization(l2=0.5)
    >>> _ = layer(torch.ones(2, 2))
    >>> [float(l) for l in layer.losses]
    [1.0]
"""
from lamina import regularizers
from lamina.core import registry
from lamina.layers.layer import Layer


@registry.register()
class ActivityRegularization(Layer):
    """Passes inputs through and adds ``l1*sum|x| + l2*sum x^2`` (divided by the batch size, as Keras 3).

    Example:
        >>> ActivityRegularization(l1=0.1).l1
        0.1
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
