"""``CategoryEncoding``: integer category indices to one-hot, multi-hot or count vectors.

Example:
    >>> CategoryEncoding(num_tokens=4, output_mode="multi_hot")(torch.tensor([[0, 1], [3, 3]])).tolist()
    [[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
"""
import torch
import torch.nn.functional as F

from lamina.core import registry
from lamina.core.dtypes import to_torch_dtype
from lamina.core.tensors import convert_to_tensor
from lamina.layers.layer import Layer

_MODES = ("one_hot", "multi_hot", "count")


def encode_categorical(indices, output_mode, depth, dtype=torch.float32, count_weights=None):
    """Encode integer ``indices`` (values in ``[0, depth)``) as Keras's ``encode_categorical_inputs`` does.

    ``one_hot`` adds an axis of size ``depth`` (dropping a trailing axis of size 1);
    ``multi_hot``/``count`` reduce the sample axis: ``(batch, k)`` -> ``(batch, depth)``
    and a 1-D input is one sample -> ``(depth,)``. ``count_weights`` weights each count.

    Example:
        >>> encode_categorical(torch.tensor([[1, 1, 2]]), "count", 3).tolist()
        [[0.0, 2.0, 1.0]]
    """
    if output_mode == "int":
        return indices
    if indices.dim() == 0:
        indices = indices.unsqueeze(-1)
    if output_mode == "one_hot":
        if indices.dim() > 1 and indices.shape[-1] == 1:
            indices = indices.squeeze(-1)
        return F.one_hot(indices.long(), depth).to(dtype)
    axis = 1 if indices.dim() > 1 else 0
    encoded = F.one_hot(indices.long(), depth)
    if output_mode == "multi_hot":
        return encoded.amax(dim=axis).to(dtype)
    encoded = encoded.to(count_weights.dtype if count_weights is not None else dtype)
    if count_weights is not None:
        encoded = encoded * count_weights.unsqueeze(-1)
    return encoded.sum(dim=axis)


@registry.register()
class CategoryEncoding(Layer):
    """Encode integer features as dense vectors of size ``num_tokens``.

    Args:
        num_tokens: number of categories; inputs must lie in ``[0, num_tokens)``.
        output_mode: ``'multi_hot'`` (default: 1 where a category occurs in the sample),
            ``'one_hot'`` (one vector per input value) or ``'count'`` (occurrences).
        sparse: must be ``False`` (torch tensors here are dense).

    Call arguments: ``inputs`` (integers, ``(batch,)`` or ``(batch, k)``) and, in
    ``'count'`` mode, optional ``count_weights`` of the same shape.

    Example:
        >>> CategoryEncoding(3, output_mode="count")(torch.tensor([[0, 2, 2]])).tolist()
        [[1.0, 0.0, 2.0]]
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":  # Keras 2 name of multi_hot
            output_mode = "multi_hot"
        if output_mode not in _MODES:
            raise ValueError(f"{self._label}: unknown output_mode {output_mode!r}; valid modes are "
                             "'one_hot', 'multi_hot' and 'count'")
        if num_tokens is None or isinstance(num_tokens, bool) or not isinstance(num_tokens, int) or num_tokens < 1:
            raise ValueError(f"{self._label}: num_tokens must be a positive integer; received num_tokens={num_tokens!r}")
        if sparse:
            raise ValueError(f"{self._label}: sparse=True is not supported (lamina's tensors are dense)")
        self.num_tokens, self.output_mode, self.sparse = num_tokens, output_mode, False
        self.built = True

    def call(self, inputs, count_weights=None):
        if inputs.is_floating_point():
            inputs = inputs.long()
        if inputs.numel():
            low, high = torch.aminmax(inputs)
            if bool((low < 0) | (high >= self.num_tokens)):
                raise ValueError(f"{self._label}: input values must be in [0, num_tokens) = [0, {self.num_tokens}); "
                                 f"received values from {int(low)} to {int(high)}")
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(f"{self._label}: count_weights is only used with output_mode='count'; "
                                 f"output_mode is {self.output_mode!r}")
            count_weights = convert_to_tensor(count_weights, dtype=self.compute_dtype)
        return encode_categorical(inputs, self.output_mode, self.num_tokens, to_torch_dtype(self.compute_dtype),
                                  count_weights)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode, "sparse": self.sparse})
        return config
