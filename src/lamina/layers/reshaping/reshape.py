"""``Reshape``: give each sample a new shape (one dimension may be ``-1``).

Example:
    >>> Reshape((3, 4))(torch.ones(2, 12)).shape
    torch.Size([2, 3, 4])
"""
import math

from lamina.core import registry
from lamina.layers.layer import Layer


@registry.register()
class Reshape(Layer):
    """Reshape samples to ``target_shape`` (without the batch axis).

    Example:
        >>> Reshape((-1, 2)).compute_output_shape((None, 8))
        (None, 4, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(1 for d in self.target_shape if d == -1) > 1:
            raise ValueError(f"Reshape '{self.name}': at most one dimension may be -1; received {self.target_shape}")
        self.built = True

    def _resolve(self, input_shape):
        rest = input_shape[1:]
        known = math.prod(d for d in self.target_shape if d != -1)
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in self.target_shape)
        total = math.prod(rest)
        if -1 in self.target_shape:
            if known == 0 or total % known:
                raise ValueError(
                    f"Reshape '{self.name}': cannot reshape input of shape {tuple(input_shape)} "
                    f"({total} values per sample) to {self.target_shape}"
                )
            return tuple(total // known if d == -1 else d for d in self.target_shape)
        if total != known:
            raise ValueError(
                f"Reshape '{self.name}': target_shape {self.target_shape} has {known} values per sample, but the input "
                f"of shape {tuple(input_shape)} has {total}"
            )
        return self.target_shape

    def call(self, inputs):
        return inputs.reshape((inputs.shape[0],) + self._resolve(tuple(inputs.shape)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(tuple(input_shape))

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
