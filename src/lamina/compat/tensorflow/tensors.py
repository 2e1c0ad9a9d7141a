"""``tf.constant``, ``tf.convert_to_tensor``, ``tf.Variable``, ``tf.TensorShape``: with TensorFlow's dtype rules.

Python values: ints become int32 (int64 if too large), floats float32, bools
bool; NumPy arrays and scalars keep their dtype (float64 stays float64, as in
TensorFlow); tensors pass through unchanged. Tensors are torch tensors
(``tf.Tensor is torch.Tensor``).

Example:
    >>> from lamina.compat.tensorflow import tensors
    >>> tensors.constant(1.0).dtype, tensors.constant([1, 2]).dtype, tensors.constant(np.zeros(2)).dtype
    (torch.float32, torch.int32, torch.float64)
"""
import numpy as np
import torch

from lamina.backend.variables import BackendVariable, shaped_constant
from lamina.core import config
from lamina.core.dtypes import to_torch_dtype
from lamina.core.symbolic import KerasTensor

__all__ = ["constant", "convert_to_tensor", "Variable", "TensorShape", "is_tensor", "Tensor"]

Tensor = torch.Tensor
_INT32 = np.iinfo(np.int32)


def _python_array(value):
    array = np.asarray(value)
    if array.dtype == np.float64:
        return array.astype(np.float32)
    if array.dtype == np.int64 and (array.size == 0 or (_INT32.min <= array.min() and array.max() <= _INT32.max)):
        return array.astype(np.int32)
    if array.dtype == object or array.dtype.kind in "US":
        raise TypeError(f"Cannot convert {value!r} to a tensor: lamina's tensors hold numbers and booleans only")
    return array


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """A tensor holding ``value``; a tensor of another dtype than ``dtype`` is an error, as in TensorFlow.

    Example:
        >>> convert_to_tensor([[1.0, 2.0]]).shape
        torch.Size([1, 2])
    """
    torch_dtype = to_torch_dtype(dtype) if dtype is not None else None
    if isinstance(value, (torch.Tensor, KerasTensor)):
        value_dtype = to_torch_dtype(value.dtype)
        if torch_dtype is not None and value_dtype != torch_dtype:
            raise ValueError(
                f"tf.convert_to_tensor: requested dtype {torch_dtype} for a tensor of dtype {value_dtype}; "
                "use tf.cast to change the dtype"
            )
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(v, (torch.Tensor, KerasTensor)) for v in value):
        from lamina.compat.tensorflow.array_ops import stack

        return stack([convert_to_tensor(v, dtype) for v in value])
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
    else:
        array = _python_array(value)
    if torch_dtype is None and dtype_hint is not None and not isinstance(value, (np.ndarray, np.generic)):
        torch_dtype = to_torch_dtype(dtype_hint)
    if not array.flags.writeable or array.dtype.byteorder not in "=|":
        array = np.ascontiguousarray(array).copy()
    return torch.as_tensor(array, dtype=torch_dtype, device=config.device())


def constant(value, dtype=None, shape=None, name="Const"):
    """A constant tensor; with ``shape``, a scalar fills the shape and other values are reshaped.

    Example:
        >>> constant(0, shape=(2, 3)).tolist()
        [[0, 0, 0], [0, 0, 0]]
    """
    if isinstance(value, torch.Tensor):
        tensor = value if dtype is None else value.to(to_torch_dtype(dtype))
    else:
        tensor = convert_to_tensor(np.asarray(value) if dtype is not None and not isinstance(value, np.ndarray)
                                   else value)
        if dtype is not None:
            tensor = tensor.to(to_torch_dtype(dtype))
    return tensor if shape is None else shaped_constant(tensor, shape, "tf.constant")


def Variable(initial_value=None, trainable=None, validate_shape=True, caching_device=None, name=None,
             variable_def=None, dtype=None, import_scope=None, constraint=None, synchronization=None,
             aggregation=None, shape=None, **kwargs):
    """A ``tf.Variable``: a lamina variable with TensorFlow's dtype rules and ``+=`` semantics.

    ``tf.Variable(1.0)`` is float32, ``tf.Variable(np.zeros(2))`` float64 and
    ``tf.Variable(3)`` int32 (not trainable). ``v += 1`` makes a new tensor;
    ``v.assign_add(1)`` changes the variable.

    Example:
        >>> v = Variable([1.0, 2.0], name="w")
        >>> v.assign_add([1.0, 1.0]).numpy().tolist(), v.name
        ([2.0, 3.0], 'w')
    """
    if initial_value is None:
        raise ValueError("tf.Variable: initial_value is required")
    if callable(initial_value) and not isinstance(initial_value, torch.Tensor):
        initial_value = initial_value()
    if isinstance(initial_value, KerasTensor):
        raise TypeError(f"tf.Variable: the initial value must be concrete; received the symbolic {initial_value!r}")
    value = initial_value.detach() if isinstance(initial_value, torch.Tensor) else convert_to_tensor(initial_value)
    if dtype is not None:
        value = value.to(to_torch_dtype(dtype))
    if trainable is None:
        trainable = value.is_floating_point() or value.is_complex()
    return BackendVariable(value.clone(), trainable=bool(trainable), name=name or "Variable", dtype=value.dtype,
                           constraint=constraint)


class TensorShape(tuple):
    """``tf.TensorShape``: a tuple of sizes (``None`` for unknown) with ``as_list()``, ``rank`` and ``ndims``.

    Example:
        >>> shape = TensorShape([None, 3])
        >>> shape.as_list(), shape.rank, shape == (None, 3)
        ([None, 3], 2, True)
    """

    def __new__(cls, dims):
        if dims is None:
            raise ValueError("TensorShape: lamina does not support shapes of unknown rank (dims=None)")
        if isinstance(dims, int):
            dims = (dims,)
        return super().__new__(cls, tuple(None if d is None else int(d) for d in dims))

    @property
    def rank(self):
        return len(self)

    ndims = rank

    def as_list(self):
        return list(self)

    def is_fully_defined(self):
        return all(d is not None for d in self)

    def num_elements(self):
        return int(np.prod(self)) if self.is_fully_defined() else None


def is_tensor(x):
    """True for tensors, variables and symbolic tensors.

    Example:
        >>> is_tensor(constant(1.0)), is_tensor(1.0)
        (True, False)
    """
    return isinstance(x, (torch.Tensor, KerasTensor))
