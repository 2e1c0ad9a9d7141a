"""``Dense``: ``activation(inputs @ kernel + bias)`` on the last axis.

Example:
    >>> layer = Dense(3)
    >>> layer(torch.ones(2, 4)).shape, tuple(layer.kernel.shape)
    (torch.Size([2, 3]), (4, 3))
"""
import torch

from lamina import activations, constraints, initializers, regularizers
from lamina.core import registry
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


def _check_positive_int(value, name, owner):
    if isinstance(value, bool) or not isinstance(value, (int,)) and not (hasattr(value, "__index__")):
        raise TypeError(f"{owner}: {name} must be a positive integer; received {name}={value!r}")
    value = int(value)
    if value <= 0:
        raise ValueError(f"{owner}: {name} must be a positive integer; received {name}={value}")
    return value


@registry.register()
class Dense(Layer):
    """A densely connected layer (Keras's kernel layout: ``(input_dim, units)``).

    Args:
        units: number of outputs.
        activation: name or callable (``None`` = linear).
        use_bias: add a bias vector.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: as in Keras.

    Example:
        >>> Dense(512, activation="relu", input_shape=(784,)).units
        512
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = _check_positive_int(units, "units", f"Dense '{self.name}'")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Dense '{self.name}': the last dimension of the inputs must be known; received shape {input_shape}"
            )
        self.kernel = self.add_weight(shape=(input_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        if inputs.dim() == 2:
            out = torch.addmm(self.bias, inputs, self.kernel) if self.bias is not None else inputs @ self.kernel
        else:
            out = torch.matmul(inputs, self.kernel)
            if self.bias is not None:
                out = out + self.bias
        return self.activation(out) if self.activation is not activations.linear else out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
