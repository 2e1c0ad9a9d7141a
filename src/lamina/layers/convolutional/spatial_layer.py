"""``SpatialLayer``: the base of layers on ``(batch, *spatial, channels)`` data (convolution, pooling, padding...).

It validates ``data_format``, sets the rank check and the layout that errors mention, and
holds the permutations between Keras's channels-last layout and torch's channels-first view.

Example:
    >>> layer = SpatialLayer(2)
    >>> layer._to_cf, layer._to_cl, layer._spatial, layer._channel_axis
    ((0, 3, 1, 2), (0, 2, 3, 1), (1, 2), 3)
"""
from lamina.layers.convolutional import conv_utils
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class SpatialLayer(Layer):
    """Base of layers on ``(batch, *spatial, channels)`` data: layout, rank checks and the permutations.

    Subclasses set ``rank`` (number of spatial axes) through ``__init__``; ``data_format``
    is validated here and ``self._to_cf``/``self._to_cl`` hold the permutations to and
    from torch's channels-first view (``None`` for ``channels_first`` data).

    Example:
        >>> SpatialLayer(2, data_format="channels_first")._expected_layout
        '(batch, channels, height, width)'
    """

    def __init__(self, rank, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = conv_utils.normalize_data_format(data_format, self._label)
        self._expected_layout = conv_utils.SPATIAL_LAYOUTS[(self.data_format, rank)]
        self.input_spec = InputSpec(ndim=rank + 2)
        channels_last = self.data_format == "channels_last"
        self._to_cf = conv_utils.to_channels_first_order(rank + 2) if channels_last else None
        self._to_cl = conv_utils.to_channels_last_order(rank + 2) if channels_last else None
        self._spatial, self._channel_axis = conv_utils.spatial_axes(self.data_format, rank)
        self._spec_channel_axis = -1 if channels_last else 1  # as errors (and Keras) name the channel axis

    def _channels(self, input_shape):
        channels = self._check_rank(input_shape)[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"{self._label} expects inputs {self._expected_layout} with a known number of channels; "
                f"received input shape {tuple(input_shape)}"
            )
        return channels

    def _check_rank(self, input_shape):
        """``input_shape`` as a tuple, or the rank error every spatial layer gives."""
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{self._label} expects inputs with exactly {self.rank + 2} dimensions {self._expected_layout}, "
                f"but received an input of shape {input_shape} ({len(input_shape)} dimensions)."
            )
        return input_shape

    def _with_spatial(self, input_shape, spatial, channels):
        """An output shape with the batch size of ``input_shape``, ``spatial`` sizes and ``channels``."""
        if self.data_format == "channels_last":
            return (input_shape[0], *spatial, channels)
        return (input_shape[0], channels, *spatial)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
