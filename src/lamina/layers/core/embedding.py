"""``Embedding``: turn integer indices into dense vectors (rows of a trainable ``(input_dim, output_dim)`` table).

Example:
    >>> layer = Embedding(1000, 64)
    >>> layer(torch.tensor([[0, 5, 999]])).shape
    torch.Size([1, 3, 64])
"""
import torch
import torch.nn.functional as F

from lamina import constraints, initializers, regularizers
from lamina.core import registry
from lamina.layers.layer import Layer


def _positive_int(value, name):
    if isinstance(value, bool) or not hasattr(value, "__index__") or int(value) <= 0:
        raise ValueError(f"Embedding: {name} must be a positive integer; received {name}={value!r}")
    return int(value)


@registry.register()
class Embedding(Layer):
    """Look up a vector for every integer index of the input: ``(batch, ...)`` -> ``(batch, ..., output_dim)``.

    Indices must lie in ``[0, input_dim)``; anything else raises a ``ValueError`` naming the
    smallest and largest index seen (the lookup is never silently wrong).

    Args:
        input_dim: vocabulary size (largest index + 1).
        output_dim: size of each vector.
        embeddings_initializer: default ``'uniform'`` (uniform in [-0.05, 0.05]).
        embeddings_regularizer, embeddings_constraint: as in Keras.
        mask_zero: index 0 is padding: the output carries a mask ``inputs != 0`` that
            recurrent and attention layers use to skip those steps.
        input_length: Keras 2's fixed sequence length; gives the layer an input shape.

    Example:
        >>> layer = Embedding(10, 3, mask_zero=True)
        >>> layer(torch.tensor([[4, 2, 0]]))._keras_mask.tolist()
        [[True, True, False]]
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, lora_rank=None, **kwargs):
        input_length = kwargs.pop("input_length", None)
        kwargs.pop("sparse", None)  # Keras 3.x accepted it for TensorFlow's sparse gradients
        for unsupported in ("lora_alpha", "quantization_config"):  # present (as None) in Keras 3 configs
            if kwargs.get(unsupported, None) is not None:
                raise ValueError(f"Embedding: {unsupported} is not supported by lamina; received "
                                 f"{unsupported}={kwargs[unsupported]!r}")
            kwargs.pop(unsupported, None)
        if lora_rank is not None:
            raise ValueError("Embedding: lora_rank is not supported by lamina; received lora_rank="
                             f"{lora_rank!r} (use lora_rank=None)")
        if input_length is not None and "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        self.input_dim = _positive_int(input_dim, "input_dim")
        self.output_dim = _positive_int(output_dim, "output_dim")
        self.input_length = input_length
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        if self._input_dtype is None:
            self._input_dtype = "int32"

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, name="embeddings")
        self.built = True

    def _index_error(self, indices):
        low, high = torch.aminmax(indices)
        low, high = int(low), int(high)
        return ValueError(
            f"{self._label}: every index must be in [0, input_dim) = [0, {self.input_dim}), but the inputs hold "
            f"indices from {low} to {high} (largest index seen: {high}). Raise input_dim to at least {high + 1} "
            "or fix the data (e.g. num_words when tokenizing)."
        )

    def call(self, inputs):
        if inputs.dtype not in (torch.int64, torch.int32):
            if inputs.is_floating_point() or inputs.is_complex():
                inputs = inputs.long()
            else:
                inputs = inputs.to(torch.int64)
        if inputs.device.type != "cpu":
            # an out-of-range gather corrupts an accelerator's context, so check first (one reduction, one sync)
            low, high = torch.aminmax(inputs)
            if bool((low < 0) | (high >= self.input_dim)):
                raise self._index_error(inputs)
            return F.embedding(inputs, self.embeddings)
        try:  # the CPU kernel checks the bounds itself, for free
            return F.embedding(inputs, self.embeddings)
        except IndexError:
            raise self._index_error(inputs) from None

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return inputs != 0

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
        })
        if self.input_length is not None:
            config["input_length"] = self.input_length
        return config
