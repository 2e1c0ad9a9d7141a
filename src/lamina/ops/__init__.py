"""``lamina.ops``: Keras 3's ``keras.ops`` on PyTorch.

Every op takes torch tensors, NumPy arrays, Python numbers and lists, and also
symbolic ``KerasTensor``s (the call is then recorded in the functional graph).
Argument names, defaults and result dtypes are Keras's: ``axis``/``keepdims``,
channels-last convolutions with ``(*spatial, in, out)`` kernels, Python ints
as int32, integer means as float32. See ``docs/ops_and_autodiff.md``.

Example:
    >>> from lamina import ops
    >>> x = ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> ops.mean(ops.square(x), axis=-1).tolist()
    [2.5, 12.5]
    >>> ops.softmax(ops.zeros((1, 2))).tolist()
    [[0.5, 0.5]]
"""
from lamina.ops import image, nn, numpy  # noqa: F401
from lamina.ops.nn import *  # noqa: F401,F403
from lamina.ops.numpy import *  # noqa: F401,F403
from lamina.ops.promotion import result_type  # noqa: F401
