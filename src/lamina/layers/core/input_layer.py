"""``Input`` and ``InputLayer``: where a functional model's symbolic graph starts.

Example:
    >>> x = Input(shape=(784,), name="pixels")
    >>> x.shape, x.dtype, x.name
    ((None, 784), 'float32', 'pixels')
"""
from lamina.core import registry
from lamina.core.dtypes import dtype_name
from lamina.core.symbolic import KerasTensor, Node
from lamina.layers.layer import Layer


@registry.register()
class InputLayer(Layer):
    """The layer behind :func:`Input`; it owns the symbolic tensor and passes data through.

    Example:
        >>> layer = InputLayer(shape=(3,))
        >>> layer.output.shape
        (None, 3)
    """

    _is_input_layer = True

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, input_tensor=None,
                 optional=False, name=None, ragged=None, **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if shape is None and input_shape is not None:
            shape = input_shape
        if batch_shape is None and batch_input_shape is not None:
            batch_shape = batch_input_shape
        kwargs.pop("type_spec", None)
        super().__init__(name=name, dtype=None, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(f"InputLayer '{self.name}': pass shape or batch_shape, not both")
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(f"InputLayer '{self.name}': input_tensor must be a symbolic tensor; got {input_tensor!r}")
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    f"InputLayer '{self.name}': an input needs shape=(...) (without the batch axis) or batch_shape="
                )
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self._input_dtype_name = dtype_name(dtype)
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._input_dtype_name, name=self.name)
        Node(self, (), {}, input_tensor)
        self._input_tensor = input_tensor

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._input_dtype_name

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {"batch_shape": self._batch_shape, "dtype": self._input_dtype_name, "sparse": self.sparse,
                "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None,
          optional=False, ragged=None, **kwargs):
    """A symbolic input tensor: the start of a functional model.

    Args:
        shape: shape of one sample, without the batch axis (``(28, 28, 1)``); ``None`` for unknown sizes.
        batch_size: fixed batch size, if any.
        dtype: ``'float32'`` by default; ``'int32'`` for token ids.
        batch_shape: full shape including the batch axis (instead of ``shape``).
        name: name of the input (used to match dict inputs in ``fit``/``predict``).

    Example:
        >>> Input((None,), dtype="int32").shape
        (None, None)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, batch_shape=batch_shape,
                       input_tensor=tensor, optional=optional, name=name, **kwargs)
    return layer.output
