"""Activation layers with parameters: ``ReLU``, ``LeakyReLU``, ``PReLU``, ``ELU``, ``Softmax``.

Example:
    >>> LeakyReLU(negative_slope=0.1)(torch.tensor([-10.0])).tolist()
    [-1.0]
"""
import torch

from lamina import activations, constraints, initializers, regularizers
from lamina.core import registry
from lamina.layers.layer import Layer


class _ElementwiseActivation(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape


@registry.register()
class ReLU(_ElementwiseActivation):
    """``relu`` with optional ``max_value``, ``negative_slope`` and ``threshold``.

    Example:
        >>> ReLU(max_value=1.0)(torch.tensor([3.0])).tolist()
        [1.0]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU '{self.name}': max_value must be >= 0; received max_value={max_value}")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"ReLU '{self.name}': negative_slope must be >= 0; received {negative_slope}")
        if threshold is None or threshold < 0:
            raise ValueError(f"ReLU '{self.name}': threshold must be >= 0; received threshold={threshold}")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold
        self.built = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


@registry.register()
class LeakyReLU(_ElementwiseActivation):
    """``x`` if ``x > 0`` else ``negative_slope * x`` (default 0.3; Keras 2's ``alpha=`` also accepted).

    Example:
        >>> LeakyReLU(alpha=0.5)(torch.tensor([-2.0])).tolist()
        [-1.0]
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU '{self.name}': negative_slope must be >= 0; received {negative_slope}")
        self.negative_slope = float(negative_slope)
        self.built = True

    def call(self, inputs):
        return torch.nn.functional.leaky_relu(inputs, self.negative_slope)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


@registry.register()
class PReLU(_ElementwiseActivation):
    """Leaky ReLU with a learned slope per element (``shared_axes`` share it across axes).

    Example:
        >>> layer = PReLU(alpha_initializer="ones")
        >>> layer(torch.tensor([[-2.0, 3.0]])).tolist()
        [[-2.0, 3.0]]
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        if self.shared_axes is not None:
            for axis in self.shared_axes:
                shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"PReLU '{self.name}': all non-shared input dimensions must be known; got {input_shape}")
        self.alpha = self.add_weight(shape=tuple(shape), initializer=self.alpha_initializer, name="alpha",
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs):
        return torch.relu(inputs) - self.alpha * torch.relu(-inputs)

    def get_config(self):
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config


@registry.register()
class ELU(_ElementwiseActivation):
    """Exponential linear unit with scale ``alpha``.

    Example:
        >>> ELU()(torch.tensor([1.0])).tolist()
        [1.0]
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.built = True

    def call(self, inputs):
        return torch.nn.functional.elu(inputs, self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


@registry.register()
class Softmax(_ElementwiseActivation):
    """Softmax over ``axis``; masked positions (mask ``False``) get probability 0.

    Example:
        >>> Softmax()(torch.zeros(1, 2)).tolist()
        [[0.5, 0.5]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            large_negative = -1e9 if inputs.dtype != torch.float16 else -3e4
            inputs = inputs + (1.0 - mask.to(inputs.dtype)) * large_negative
        return activations.softmax(inputs, axis=self.axis)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
