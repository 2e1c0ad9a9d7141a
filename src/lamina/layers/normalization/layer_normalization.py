"""``LayerNormalization``: normalise each sample over its feature axes (no batch statistics).

Example:
    >>> y = LayerNormalization()(torch.tensor([[1.0, 2.0, 3.0]]))
    >>> [round(v, 3) for v in y[0].tolist()]
    [-1.224, 0.0, 1.224]
"""
import torch
import torch.nn.functional as F

from lamina import constraints, initializers, regularizers
from lamina.core import registry
from lamina.layers.layer import Layer
from lamina.layers.normalization.norm_utils import check_axis_type, normalize_axes


@registry.register()
class LayerNormalization(Layer):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` with statistics over ``axis`` of each sample.

    Args:
        axis: an int or a list of ints, the axes to normalise over (``-1``: the features).
        epsilon: added to the variance (Keras's default 1e-3).
        center, scale: learn ``beta`` / ``gamma`` (shaped as the normalised axes).
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: as in Keras.
        rms_scaling: Keras's deprecated variant (scale by the variance, no centring or beta).

    Example:
        >>> layer = LayerNormalization(axis=[1, 2])
        >>> layer(torch.randn(2, 4, 8)).shape, tuple(layer.gamma.shape)
        (torch.Size([2, 4, 8]), (4, 8))
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, rms_scaling=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_axis_type(axis, self._label)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        self._axes = normalize_axes(self.axis, ndim, self._label)
        shape = tuple(input_shape[a] for a in self._axes)
        if any(d is None for d in shape):
            raise ValueError(
                f"{self._label}: the normalised axes {self.axis} must have known sizes; received input shape "
                f"{tuple(input_shape)}"
            )
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]  # as Keras, after build
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     name="gamma") if self.scale or self.rms_scaling else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    name="beta") if self.center and not self.rms_scaling else None
        # torch's fused kernel normalises trailing axes; other axes use explicit moments
        self._trailing = self._axes == list(range(ndim - len(self._axes), ndim))
        self._shape = shape
        self._broadcast = [input_shape[a] if a in self._axes else 1 for a in range(ndim)]
        self.built = True

    def call(self, inputs):
        if self._trailing and not self.rms_scaling:
            return F.layer_norm(inputs, self._shape, self.gamma, self.beta, self.epsilon)
        variance, mean = torch.var_mean(inputs, dim=self._axes, correction=0, keepdim=True)
        scale = torch.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            scale = scale * self.gamma.reshape(self._broadcast)
        if self.rms_scaling:
            return inputs * scale
        out = (inputs - mean) * scale
        return out if self.beta is None else out + self.beta.reshape(self._broadcast)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
