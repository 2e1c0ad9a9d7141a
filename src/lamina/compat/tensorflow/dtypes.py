"""``tf.dtypes`` and the dtype constants (``tf.float32``, ``tf.int32``, ...): torch dtypes.

``tf.float32 is torch.float32``, so ``x.dtype == tf.float32`` holds for lamina
tensors and every lamina function that takes a ``dtype`` accepts these.

Example:
    >>> from lamina.compat.tensorflow import dtypes
    >>> dtypes.float32, dtypes.as_dtype("int32")
    (torch.float32, torch.int32)
"""
import torch

from lamina.compat.tensorflow._subset import missing_names
from lamina.core.dtypes import to_torch_dtype

DType = torch.dtype
float16 = half = torch.float16
bfloat16 = torch.bfloat16
float32 = torch.float32
float64 = double = torch.float64
int8 = torch.int8
int16 = torch.int16
int32 = torch.int32
int64 = torch.int64
uint8 = torch.uint8
uint16 = torch.uint16
uint32 = torch.uint32
uint64 = torch.uint64
bool = torch.bool  # noqa: A001  (TensorFlow's name)
complex64 = torch.complex64
complex128 = torch.complex128

NAMES = ("float16", "half", "bfloat16", "float32", "float64", "double", "int8", "int16", "int32", "int64",
         "uint8", "uint16", "uint32", "uint64", "bool", "complex64", "complex128")


def as_dtype(type_value):
    """The torch dtype for a TensorFlow/NumPy dtype or its name.

    Example:
        >>> as_dtype("float64")
        torch.float64
    """
    return to_torch_dtype(type_value)


__getattr__ = missing_names("tf.dtypes")
