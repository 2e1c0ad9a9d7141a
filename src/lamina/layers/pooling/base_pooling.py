"""``BasePooling``: max and average pooling over windows, on torch's kernels through channels-last views.

``'same'`` padding follows Keras/TensorFlow (``ceil(size / stride)`` outputs, the odd
pixel at the end); padded positions never win a max and are not counted in an average.

Example:
    >>> BasePooling(1, "max", 2, None, "same")(torch.arange(5.0).reshape(1, 5, 1))[0, :, 0].tolist()
    [1.0, 3.0, 4.0]
"""
import torch
import torch.nn.functional as F

from lamina.layers.convolutional import conv_utils
from lamina.layers.convolutional.spatial_layer import SpatialLayer
from lamina.layers import compiled_ops

_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVERAGE = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


class BasePooling(SpatialLayer):
    """Pooling of any rank; ``pool_mode`` is ``'max'`` or ``'average'`` (see :class:`MaxPooling2D`).

    Example:
        >>> BasePooling(2, "average", 2)(torch.ones(1, 4, 4, 3)).shape
        torch.Size([1, 2, 2, 3])
    """

    def __init__(self, rank, pool_mode, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self.pool_mode = pool_mode
        self.pool_size = conv_utils.normalize_tuple(pool_size, rank, "pool_size", self._label)
        self.strides = self.pool_size if strides is None else conv_utils.normalize_tuple(
            strides, rank, "strides", self._label)
        self.padding = conv_utils.normalize_choice(padding, ("valid", "same"), "padding", self._label)
        self._pool = (_MAX if pool_mode == "max" else _AVERAGE)[rank]
        self.built = True

    def _max_pool(self, x, padding=0):
        """Max pooling of ``x`` (channels first); inside a compiled step through ATen's kernels (see
        :mod:`~lamina.layers.compiled_ops`)."""
        if torch.compiler.is_compiling():
            padding = [padding] * self.rank if isinstance(padding, int) else list(padding)
            return compiled_ops.max_pool(x, self.pool_size, self.strides, padding)
        compiled_ops.prepare()
        return self._pool(x, self.pool_size, self.strides, padding)

    def _same_pads(self, x):
        return [conv_utils.same_padding(n, k, s, 1) for n, k, s in zip(x.shape[2:], self.pool_size, self.strides)]

    def call(self, inputs):
        x = inputs if self._to_cf is None else inputs.permute(self._to_cf)
        try:
            if self.padding == "valid":
                out = self._max_pool(x) if self.pool_mode == "max" else self._pool(x, self.pool_size, self.strides)
            else:
                out = self._pool_same(x)
        except RuntimeError:
            self.compute_output_shape(tuple(inputs.shape))  # raises a clear error when the window does not fit
            raise
        return out if self._to_cl is None else out.permute(self._to_cl)

    def _pool_same(self, x):
        pads = self._same_pads(x)
        if all(a == b for a, b in pads):  # symmetric: torch pads itself (never more than half a window)
            padding = tuple(a for a, _ in pads)
            if self.pool_mode == "max":
                return self._max_pool(x, padding)
            return self._pool(x, self.pool_size, self.strides, padding, count_include_pad=False)
        flat = conv_utils.flat_pad(pads)
        if self.pool_mode == "max":
            return self._max_pool(F.pad(x, flat, value=float("-inf")))
        # average of the real positions only: window sums divided by the number of real positions
        ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
        counts = self._pool(F.pad(ones, flat), self.pool_size, self.strides)
        return self._pool(F.pad(x, flat), self.pool_size, self.strides) / counts

    def compute_output_shape(self, input_shape):
        input_shape = self._check_rank(input_shape)
        spatial = [conv_utils.conv_output_length(input_shape[a], k, s, self.padding)
                   for a, k, s in zip(self._spatial, self.pool_size, self.strides)]
        output_shape = self._with_spatial(input_shape, spatial, input_shape[self._channel_axis])
        conv_utils.check_output_size(self._label, input_shape, output_shape, self._spatial, self.padding,
                                     pool_size=self.pool_size)
        return output_shape

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding, "strides": self.strides})
        return config
