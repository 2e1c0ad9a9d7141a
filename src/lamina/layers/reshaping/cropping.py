"""``Cropping1D/2D/3D``: remove rows/columns at the borders of the spatial axes (a view, no copy).

Example:
    >>> Cropping2D(((1, 1), (2, 0)))(torch.ones(1, 5, 5, 3)).shape
    torch.Size([1, 3, 3, 3])
"""
from lamina.core import registry
from lamina.layers.convolutional import conv_utils
from lamina.layers.convolutional.spatial_layer import SpatialLayer


class BaseCropping(SpatialLayer):
    """Cropping of any rank; ``cropping`` as :func:`~lamina.layers.convolutional.conv_utils.normalize_pairs`.

    Example:
        >>> BaseCropping(1, (1, 2))(torch.arange(5.0).reshape(1, 5, 1))[0, :, 0].tolist()
        [1.0, 2.0]
    """

    def __init__(self, rank, cropping, data_format=None, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self._pairs = conv_utils.normalize_pairs(cropping, rank, "cropping", self._label)
        self.cropping = self._pairs[0] if rank == 1 else self._pairs
        self.built = True

    def call(self, inputs):
        index = [slice(None)] * inputs.dim()
        for axis, (before, after) in zip(self._spatial, self._pairs):
            size = inputs.shape[axis]
            if before + after >= size:
                self.compute_output_shape(tuple(inputs.shape))
            index[axis] = slice(before, size - after)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        input_shape = self._check_rank(input_shape)
        spatial = []
        for axis, (before, after) in zip(self._spatial, self._pairs):
            size = input_shape[axis]
            if size is not None and before + after >= size:
                raise ValueError(
                    f"{self._label}: cropping {self.cropping} removes all of spatial axis {axis} (size {size}) of "
                    f"the input of shape {input_shape}; the cropping must leave at least one position"
                )
            spatial.append(None if size is None else size - before - after)
        return self._with_spatial(input_shape, spatial, input_shape[self._channel_axis])

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return config


@registry.register()
class Cropping1D(BaseCropping):
    """Crop steps from ``(batch, steps, features)``: ``cropping`` is an int or ``(start, end)``.

    Example:
        >>> Cropping1D((1, 2))(torch.ones(1, 6, 2)).shape
        torch.Size([1, 3, 2])
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(1, cropping, "channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]  # Keras's Cropping1D is channels-last only
        return config


@registry.register()
class Cropping2D(BaseCropping):
    """Crop images: ``cropping`` is an int, ``(h, w)`` or ``((top, bottom), (left, right))``.

    Example:
        >>> Cropping2D(1)(torch.ones(1, 4, 4, 1)).shape
        torch.Size([1, 2, 2, 1])
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(2, cropping, data_format, **kwargs)


@registry.register()
class Cropping3D(BaseCropping):
    """Crop volumes: ``cropping`` is an int, 3 ints or 3 ``(before, after)`` pairs.

    Example:
        >>> Cropping3D(1)(torch.ones(1, 4, 4, 4, 1)).shape
        torch.Size([1, 2, 2, 2, 1])
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, cropping, data_format, **kwargs)
