"""``Permute``: reorder the non-batch axes (1-indexed, as in Keras).

Example:
    >>> Permute((2, 1))(torch.ones(4, 3, 5)).shape
    torch.Size([4, 5, 3])
"""
from lamina.core import registry
from lamina.layers.layer import Layer


@registry.register()
class Permute(Layer):
    """Permute axes: ``dims`` is a permutation of ``1..rank-1`` (the batch axis stays first).

    Example:
        >>> Permute((2, 1)).compute_output_shape((None, 10, 64))
        (None, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                f"Permute '{self.name}': dims must be a permutation of 1..{len(self.dims)}; received {self.dims}"
            )
        self.built = True

    def call(self, inputs):
        if inputs.dim() != len(self.dims) + 1:
            raise ValueError(
                f"Permute '{self.name}' with dims {self.dims} expects inputs of rank {len(self.dims) + 1}; "
                f"received shape {tuple(inputs.shape)}"
            )
        return inputs.permute((0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config
