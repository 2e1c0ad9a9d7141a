"""``Concatenate``: join a list of tensors along ``axis``.

Example:
    >>> concatenate([torch.ones(2, 3), torch.ones(2, 5)]).shape
    torch.Size([2, 8])
"""
import torch

from lamina.core import registry
from lamina.layers.layer import Layer


@registry.register()
class Concatenate(Layer):
    """Concatenate tensors whose shapes agree except along ``axis`` (default: the last).

    Example:
        >>> Concatenate(axis=1).compute_output_shape([(None, 2, 4), (None, 3, 4)])
        (None, 5, 4)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def _output_shape(self, shapes):
        if not isinstance(shapes, (list, tuple)) or len(shapes) < 1 or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"Concatenate '{self.name}' must be called on a list of tensors")
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(
                f"Concatenate '{self.name}': all inputs must have the same rank; received shapes "
                f"{[tuple(s) for s in shapes]}"
            )
        rank = ranks.pop()
        axis = self.axis % rank
        out = list(shapes[0])
        for shape in shapes[1:]:
            for i, (a, b) in enumerate(zip(out, shape)):
                if i == axis:
                    continue
                if a is not None and b is not None and a != b:
                    raise ValueError(
                        f"Concatenate '{self.name}' along axis {self.axis} needs inputs whose other dimensions match; "
                        f"received shapes {[tuple(s) for s in shapes]}"
                    )
                if a is None:
                    out[i] = b
        sizes = [s[axis] for s in shapes]
        out[axis] = None if any(d is None for d in sizes) else sum(sizes)
        return tuple(out)

    def build(self, input_shape):
        self._output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        return torch.cat(list(inputs), dim=self.axis)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape)

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None or not isinstance(previous_mask, (list, tuple)):
            return None
        if all(m is None for m in previous_mask):
            return None
        masks = []
        for x, m in zip(inputs, previous_mask):
            if m is None:
                m = torch.ones(x.shape[: x.dim() - 1] if x.dim() > 1 else x.shape, dtype=torch.bool, device=x.device)
            masks.append(m)
        if self.axis in (-1, inputs[0].dim() - 1):
            return torch.stack(masks, dim=-1).all(dim=-1)
        return torch.cat(masks, dim=self.axis)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of :class:`Concatenate`.

    Example:
        >>> concatenate([torch.zeros(1, 1), torch.ones(1, 1)], axis=0).shape
        torch.Size([2, 1])
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
