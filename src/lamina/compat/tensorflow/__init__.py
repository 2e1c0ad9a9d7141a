"""lamina's TensorFlow subset: what ``import tensorflow as tf`` gives under ``lamina run``.

A thin layer over torch and ``lamina.ops`` with TensorFlow 2's names, argument
orders and semantics for the part of TensorFlow that Keras-era programs use:
``tf.GradientTape``, ``tf.Variable``, ``tf.constant``, the math, ``nn``,
``losses``, ``random``, ``linalg`` and clipping functions, ``tf.keras`` (which is
lamina) and the dtypes (``tf.float32 is torch.float32``). Tensors are torch
tensors. A name outside the subset raises an ``AttributeError`` that names it.
See ``docs/compat.md``.

Example:
    >>> import lamina.compat.tensorflow as tf
    >>> x, y = tf.Variable(1.0), tf.Variable(2.0)
    >>> with tf.GradientTape() as tape:
    ...     z = tf.math.pow(x, 2) + tf.math.pow(y, 2)
    >>> [float(g) for g in tape.gradient(z, [x, y])]
    [2.0, 4.0]
    >>> tf.reduce_sum(tf.ones([2, 3]), axis=1).tolist()
    [3.0, 3.0]
"""
import lamina as keras
from lamina.autodiff import GradientTape, clip_by_global_norm, clip_by_norm, clip_by_value  # noqa: F401
from lamina.compat.tensorflow import config, distribute, dtypes, linalg, losses, math, nn, random  # noqa: F401
from lamina.compat.tensorflow._subset import missing_names
from lamina.compat.tensorflow.array_ops import *  # noqa: F401,F403
from lamina.compat.tensorflow.dtypes import (  # noqa: F401
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16, float32, float64, half, int8, int16,
    int32, int64, uint8, uint16, uint32, uint64,
)
from lamina.compat.tensorflow.function import function  # noqa: F401
from lamina.compat.tensorflow.math import (  # noqa: F401
    abs, add, add_n, argmax, argmin, cos, cosh, cumsum, divide, equal, exp, floor, greater, greater_equal, is_nan,
    less, less_equal, log, logical_and, logical_not, logical_or, logical_xor, maximum, minimum, multiply, negative,
    not_equal, pow, reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod,
    reduce_std, reduce_sum, reduce_variance, round, sigmoid, sign, sin, sinh, sqrt, square, subtract, tan, tanh,
    truediv,
)
from lamina.compat.tensorflow.printing import print  # noqa: F401
from lamina.compat.tensorflow.scopes import device, name_scope  # noqa: F401
from lamina.compat.tensorflow.tensors import (  # noqa: F401
    Tensor, TensorShape, Variable, constant, convert_to_tensor, is_tensor,
)

newaxis = None
__version__ = f"2.0.0+lamina{keras.__version__}"  # TensorFlow 2 API, served by lamina

__getattr__ = missing_names("tf")
