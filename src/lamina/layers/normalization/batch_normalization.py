"""``BatchNormalization``: normalise with batch statistics in training, moving statistics at inference.

Keras's conventions: ``moving = moving * momentum + batch * (1 - momentum)`` (momentum
0.99), the *biased* batch variance both for normalising and in ``moving_variance``,
epsilon 1e-3, and a layer with ``trainable=False`` always runs in inference mode (the
fine-tuning rule). Weights, in Keras's order: ``gamma``, ``beta``, ``moving_mean``,
``moving_variance``.

Channels-last inputs are normalised through a channels-first *view* by torch's fused
kernel, which also returns the batch statistics for the moving averages.

Example:
    >>> layer = BatchNormalization()
    >>> y = layer(torch.randn(64, 3) * 5 + 2, training=True)
    >>> bool(y.mean(0).abs().max() < 1e-5), layer.moving_mean.shape
    (True, torch.Size([3]))
"""
import operator

import torch
import torch.nn.functional as F

from lamina import constraints, initializers, regularizers
from lamina.core import config as lamina_config
from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


@registry.register()
class BatchNormalization(Layer):
    """Batch normalisation over every axis but ``axis`` (the features/channels).

    Args:
        axis: the features axis (``-1`` for channels-last images, ``1`` for channels-first).
        momentum: weight of the old value in the moving averages.
        epsilon: added to the variance before the square root.
        center, scale: learn ``beta`` (offset) / ``gamma`` (scale).
        beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer,
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as in Keras.

    Calling with ``training=True`` (as ``fit`` does) normalises with the batch's mean and
    variance and updates the moving statistics; otherwise (and always when the layer is
    frozen, ``trainable=False``) it uses the moving statistics. A mask (from an
    ``Embedding(mask_zero=True)``, say) leaves masked positions out of the batch statistics.

    Example:
        >>> bn = BatchNormalization(momentum=0.9)
        >>> _ = bn(torch.full((4, 2), 10.0), training=True)
        >>> bn.moving_mean.tolist()
        [1.0, 1.0]
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 synchronized=False, renorm=False, renorm_clipping=None, renorm_momentum=0.99, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and len(axis) == 1:  # Keras 2 configs store [axis]
            axis = axis[0]
        try:
            self.axis = operator.index(axis)
        except TypeError:
            raise TypeError(f"{self._label}: axis must be an integer; received axis={axis!r}") from None
        if renorm or synchronized:
            raise ValueError(
                f"{self._label}: renorm=True and synchronized=True are not supported by lamina; received "
                f"renorm={renorm!r}, synchronized={synchronized!r}"
            )
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        if not 0.0 <= self.momentum <= 1.0:
            raise ValueError(f"{self._label}: momentum must be in [0, 1]; received momentum={momentum!r}")
        if self.epsilon <= 0:
            raise ValueError(f"{self._label}: epsilon must be positive; received epsilon={epsilon!r}")
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = False
        self.renorm = False
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"{self._label}: axis={self.axis} is out of range for inputs of shape {tuple(input_shape)}"
            )
        self._axis = self.axis % ndim
        channels = input_shape[self._axis]
        if channels is None:
            raise ValueError(
                f"{self._label}: the size of axis {self.axis} must be known; received input shape {tuple(input_shape)}"
            )
        shape = (channels,)
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     name="gamma") if self.scale else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    name="beta") if self.center else None
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer, trainable=False,
                                           name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape, initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: channels})
        # torch normalises axis 1: channels-last data goes through a permuted view (no copy)
        self._to_torch = None if self._axis == 1 else (0, self._axis) + tuple(
            a for a in range(1, ndim) if a != self._axis)
        self._from_torch = None if self._to_torch is None else tuple(self._to_torch.index(a) for a in range(ndim))
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if training and self.trainable:
            if mask is not None:
                return self._masked_training(inputs, mask)
            return self._training(inputs)
        x = inputs if self._to_torch is None else inputs.permute(self._to_torch)
        out = F.batch_norm(x, self.moving_mean, self.moving_variance, self.gamma, self.beta, False, 0.0,
                           self.epsilon)
        return out if self._from_torch is None else out.permute(self._from_torch)

    def _training(self, inputs):
        x = inputs if self._to_torch is None else inputs.permute(self._to_torch)
        # one fused pass: the normalised output, the batch mean and 1 / sqrt(biased variance + epsilon)
        out, mean, inverse_std = torch.native_batch_norm(x, self.gamma, self.beta, None, None, True, 0.0,
                                                         self.epsilon)
        if not in_symbolic_scope():
            with torch.no_grad():
                self._update_moving(mean, inverse_std.pow(-2).sub_(self.epsilon).clamp_(min=0.0))
        return out if self._from_torch is None else out.permute(self._from_torch)

    def _update_moving(self, mean, variance):
        momentum = self.momentum
        self.moving_mean.mul_(momentum).add_(mean, alpha=1.0 - momentum)
        self.moving_variance.mul_(momentum).add_(variance, alpha=1.0 - momentum)

    def _masked_training(self, inputs, mask):
        """Batch statistics over the unmasked positions only (mask of shape ``inputs.shape[:-1]``)."""
        if mask.dim() != inputs.dim() - 1:
            raise ValueError(
                f"{self._label}: the mask must have one dimension less than the inputs; received mask of shape "
                f"{tuple(mask.shape)} for inputs of shape {tuple(inputs.shape)}"
            )
        axes = tuple(a for a in range(inputs.dim()) if a != self._axis)
        keep = mask.unsqueeze(-1).bool()
        weights = keep.to(inputs.dtype)
        count = weights.expand_as(inputs).sum(dim=axes) + lamina_config.epsilon()
        mean = torch.where(keep, inputs, 0).sum(dim=axes) / count
        shape = [1] * inputs.dim()
        shape[self._axis] = -1
        variance = torch.where(keep, inputs - mean.reshape(shape), 0).square().sum(dim=axes) / count
        if not in_symbolic_scope():
            with torch.no_grad():
                self._update_moving(mean, variance)
        out = (inputs - mean.reshape(shape)) * torch.rsqrt(variance + self.epsilon).reshape(shape)
        if self.gamma is not None:
            out = out * self.gamma.reshape(shape)
        if self.beta is not None:
            out = out + self.beta.reshape(shape)
        return out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return config
