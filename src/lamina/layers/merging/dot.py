"""``Dot``: batched dot products between two tensors along given axes.

Example:
    >>> dot([torch.ones(2, 3), torch.ones(2, 3)], axes=1).tolist()
    [[3.0], [3.0]]
"""

import torch

from lamina.core import registry
from lamina.layers.layer import Layer


def _batch_dot(x, y, axes):
    x_axis, y_axis = axes
    x = x.movedim(x_axis, -1)
    y = y.movedim(y_axis, 1)
    x_rest, y_rest = x.shape[1:-1], y.shape[2:]
    batch, depth = x.shape[0], x.shape[-1]
    out = torch.bmm(x.reshape(batch, -1, depth), y.reshape(batch, depth, -1))
    out = out.reshape((batch,) + tuple(x_rest) + tuple(y_rest))
    return out.unsqueeze(-1) if out.dim() == 1 else out


@registry.register()
class Dot(Layer):
    """Dot product of two samples-wise tensors along ``axes`` (an int or a pair); ``normalize`` gives cosines.

    Example:
        >>> Dot(axes=1, normalize=True)([torch.tensor([[1.0, 0.0]]), torch.tensor([[2.0, 0.0]])]).tolist()
        [[1.0]]
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int) and not (isinstance(axes, (list, tuple)) and len(axes) == 2):
            raise TypeError(f"Dot '{self.name}': axes must be an int or a pair of ints; received axes={axes!r}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _axes(self, ranks):
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        return tuple(a % r for a, r in zip(axes, ranks))

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError(f"Dot '{self.name}' must be called on a list of exactly 2 tensors")
        a, b = input_shape
        ax, bx = self._axes((len(a), len(b)))
        if a[ax] is not None and b[bx] is not None and a[ax] != b[bx]:
            raise ValueError(
                f"Dot '{self.name}': dimension {ax} of the first input ({a[ax]}) must equal dimension {bx} of the "
                f"second ({b[bx]}); received shapes {tuple(a)} and {tuple(b)}"
            )
        self.built = True

    def call(self, inputs):
        x, y = inputs
        axes = self._axes((x.dim(), y.dim()))
        if self.normalize:
            x = torch.nn.functional.normalize(x, dim=axes[0])
            y = torch.nn.functional.normalize(y, dim=axes[1])
        return _batch_dot(x, y, axes)

    def compute_output_shape(self, input_shape):
        a, b = input_shape
        ax, bx = self._axes((len(a), len(b)))
        shape = (a[0],) + tuple(d for i, d in enumerate(a) if i not in (0, ax)) + tuple(
            d for i, d in enumerate(b) if i not in (0, bx))
        return shape if len(shape) > 1 else shape + (1,)

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Functional form of :class:`Dot`.

    Example:
        >>> dot([torch.ones(1, 2), torch.ones(1, 2)], axes=-1).tolist()
        [[2.0]]
    """
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


