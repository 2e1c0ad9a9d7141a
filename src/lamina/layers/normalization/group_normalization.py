"""``GroupNormalization``: normalise each sample over groups of channels (with its spatial axes).

``groups=1`` is layer normalisation over all axes, ``groups=-1`` (one channel per group)
instance normalisation. Channels-last inputs run torch's fused kernel on a channels-first view.

Example:
    >>> GroupNormalization(groups=2)(torch.randn(2, 5, 5, 4)).shape
    torch.Size([2, 5, 5, 4])
"""
import operator

import torch.nn.functional as F

from lamina import constraints, initializers, regularizers
from lamina.core import registry
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.normalization.norm_utils import normalize_axes


@registry.register()
class GroupNormalization(Layer):
    """Split the channels (``axis``) into ``groups`` and normalise each group of each sample.

    Args:
        groups: number of groups (must divide the channels; ``-1``: one per channel).
        axis: the channels axis (``-1`` for channels-last data).
        epsilon: added to the variance (1e-3).
        center, scale, beta_initializer, gamma_initializer, beta_regularizer,
        gamma_regularizer, beta_constraint, gamma_constraint: per channel, as in Keras.

    Example:
        >>> layer = GroupNormalization(groups=4)
        >>> _ = layer(torch.randn(1, 3, 3, 8)); tuple(layer.gamma.shape)
        (8,)
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                f"{self._label}: groups must be a positive integer (or -1 for instance normalisation); "
                f"received groups={groups!r}"
            )
        try:
            self.axis = operator.index(axis)
        except TypeError:
            raise TypeError(f"{self._label}: axis must be an integer; received axis={axis!r}") from None
        self.groups = groups
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        (axis,) = normalize_axes(self.axis, ndim, self._label)
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"{self._label}: axis {self.axis} must have a known size; received {tuple(input_shape)}")
        if self.groups == -1:
            self.groups = channels
        if channels % self.groups:
            raise ValueError(
                f"{self._label}: groups ({self.groups}) must divide the number of channels ({channels}) of the "
                f"input of shape {tuple(input_shape)}"
            )
        self.gamma = self.add_weight(shape=(channels,), initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     name="gamma") if self.scale else None
        self.beta = self.add_weight(shape=(channels,), initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    name="beta") if self.center else None
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: channels})
        self._to_torch = None if axis == 1 else (0, axis) + tuple(a for a in range(1, ndim) if a != axis)
        self._from_torch = None if self._to_torch is None else tuple(self._to_torch.index(a) for a in range(ndim))
        self.built = True

    def call(self, inputs):
        x = inputs if self._to_torch is None else inputs.permute(self._to_torch)
        out = F.group_norm(x, self.groups, self.gamma, self.beta, self.epsilon)
        return out if self._from_torch is None else out.permute(self._from_torch)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
