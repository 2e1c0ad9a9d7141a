"""``Activation``: apply an activation function as a layer.

Example:
    >>> Activation("relu")(torch.tensor([[-1.0, 2.0]])).tolist()
    [[0.0, 2.0]]
"""
from lamina import activations
from lamina.core import registry
from lamina.layers.layer import Layer


@registry.register()
class Activation(Layer):
    """Applies ``activation`` (a name such as ``'relu'`` or a callable) element-wise.

    Example:
        >>> Activation("softmax").activation.__name__
        'softmax'
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
