"""Keras 2's backend tensors and variables: creation, inspection, reading and writing values.

``K.variable`` makes a :class:`BackendVariable` (a ``lamina.Variable`` whose
``+=``, ``-=``, ``*=`` and ``/=`` make a new tensor, as a TensorFlow variable's
do, so ``loss = K.variable(0.); loss += term`` builds an expression instead of
overwriting the variable). ``K.placeholder`` makes a symbolic input.

Example:
    >>> from lamina import backend as K
    >>> v = K.variable([[1.0, 2.0]])
    >>> K.int_shape(v), K.dtype(v), K.get_value(v).tolist()
    ((1, 2), 'float32', [[1.0, 2.0]])
    >>> K.int_shape(K.placeholder(shape=(None, 3)))
    (None, 3)
"""
import numpy as np
import torch

from lamina import ops
from lamina.core import config
from lamina.core.dtypes import dtype_name, to_torch_dtype
from lamina.core.symbolic import KerasTensor, in_symbolic_scope, symbolic_call
from lamina.core.tensors import convert_to_numpy
from lamina.core.variable import Variable
from lamina.ops.dispatch import op, to_tensor

__all__ = [
    "BackendVariable", "variable", "constant", "placeholder", "is_keras_tensor", "is_tensor", "is_placeholder",
    "is_sparse", "to_dense", "int_shape", "shape", "ndim", "dtype", "count_params", "eval", "get_value",
    "set_value", "batch_get_value", "batch_set_value", "update", "update_add", "update_sub",
    "moving_average_update", "zeros", "ones", "eye", "zeros_like", "ones_like", "identity", "cast",
    "cast_to_floatx", "print_tensor",
]


class BackendVariable(Variable):
    """A ``lamina.Variable`` with TensorFlow's augmented assignment: ``v += x`` rebinds ``v`` to ``v + x``.

    In-place updates go through ``assign``/``assign_add``/``assign_sub`` (or
    ``K.set_value``/``K.update_add``), as in TensorFlow.

    Example:
        >>> v = BackendVariable(1.0)
        >>> total = v
        >>> total += 2.0
        >>> total.tolist(), v.tolist()
        (3.0, 1.0)
    """

    def __iadd__(self, other):
        return self + other

    def __isub__(self, other):
        return self - other

    def __imul__(self, other):
        return self * other

    def __itruediv__(self, other):
        return self / other


def _describe(x):
    return f"{type(x).__name__} {x!r}" if not isinstance(x, torch.Tensor) else f"a tensor of shape {tuple(x.shape)}"


def variable(value, dtype=None, name=None, constraint=None):
    """A variable holding ``value`` (cast to ``floatx()`` unless ``dtype`` is given, as in Keras 2).

    Example:
        >>> variable([1, 2]).dtype
        torch.float32
    """
    if isinstance(value, KerasTensor):
        raise TypeError(f"K.variable: the initial value must be concrete; received the symbolic tensor {value!r}")
    torch_dtype = to_torch_dtype(dtype)
    if isinstance(value, torch.Tensor):
        value = value.detach().to(torch_dtype)
    else:
        value = np.asarray(value, dtype=dtype_name(torch_dtype))
    return BackendVariable(value, dtype=torch_dtype, name=name or "variable", constraint=constraint)


def constant(value, dtype=None, shape=None, name=None):
    """A constant tensor of ``dtype`` (``floatx()`` by default); a scalar ``value`` fills ``shape``.

    Example:
        >>> constant(0.5, shape=(2, 2)).tolist()
        [[0.5, 0.5], [0.5, 0.5]]
    """
    torch_dtype = to_torch_dtype(dtype)
    if isinstance(value, torch.Tensor):
        tensor = value.detach().to(torch_dtype)
    else:
        tensor = torch.as_tensor(np.asarray(value, dtype=dtype_name(torch_dtype)), device=config.device())
    return tensor if shape is None else shaped_constant(tensor, shape, "K.constant")


def shaped_constant(tensor, shape, function_name):
    """``tensor`` given ``shape``: a single value fills it, as many values as it holds are reshaped to it.

    Example:
        >>> shaped_constant(torch.tensor(7), (2,), "K.constant").tolist()
        [7, 7]
    """
    shape = tuple(int(d) for d in shape)
    if tensor.numel() == 1:
        return tensor.reshape(()).expand(shape).clone()
    if tensor.numel() == int(np.prod(shape)):
        return tensor.reshape(shape)
    raise TypeError(
        f"{function_name}: expected {int(np.prod(shape))} values for shape={shape}; received a value of shape "
        f"{tuple(tensor.shape)} ({tensor.numel()} values)"
    )


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None, ragged=False):
    """A symbolic input of full shape ``shape`` (batch axis included), or of rank ``ndim`` with unknown sizes.

    Example:
        >>> placeholder(ndim=2).shape
        (None, None)
    """
    from lamina.layers.core.input_layer import Input

    if shape is None:
        if ndim is None:
            raise ValueError("K.placeholder: pass shape=(...) (with the batch axis) or ndim=")
        shape = (None,) * int(ndim)
    return Input(batch_shape=tuple(shape), dtype=dtype or config.floatx(), name=name)


def is_keras_tensor(x):
    """True for symbolic tensors (``Input``, layer outputs); False for eager tensors and variables.

    Raises ValueError for anything that is not a tensor, as Keras 2 does.

    Example:
        >>> is_keras_tensor(placeholder(shape=(None, 2))), is_keras_tensor(constant(1.0))
        (True, False)
    """
    if isinstance(x, KerasTensor):
        return True
    if isinstance(x, torch.Tensor):
        return False
    raise ValueError(
        f"K.is_keras_tensor: expected a symbolic tensor or a tensor; received {type(x).__name__}: {x!r}"
    )


def is_tensor(x):
    """True for eager tensors, variables and symbolic tensors.

    Example:
        >>> is_tensor(constant(1.0)), is_tensor(np.ones(2))
        (True, False)
    """
    return isinstance(x, (torch.Tensor, KerasTensor))


def is_placeholder(x):
    """True for symbolic inputs made by ``K.placeholder`` or ``Input``.

    Example:
        >>> is_placeholder(placeholder(shape=(None,)))
        True
    """
    history = getattr(x, "_keras_history", None)
    return isinstance(x, KerasTensor) and history is not None and getattr(history.operation, "_is_input_layer", False)


def is_sparse(tensor):
    """Always False: lamina's backend tensors are dense.

    Example:
        >>> is_sparse(constant(1.0))
        False
    """
    return False


def to_dense(tensor):
    """The tensor itself (lamina's backend tensors are dense).

    Example:
        >>> to_dense(constant([1.0])).tolist()
        [1.0]
    """
    return tensor


def int_shape(x):
    """The shape as a tuple of ints (``None`` for unknown sizes of symbolic tensors).

    Example:
        >>> int_shape(np.zeros((2, 3)))
        (2, 3)
    """
    if isinstance(x, KerasTensor):
        return tuple(x.shape)
    if isinstance(x, torch.Tensor):
        return tuple(x.shape)
    shape = getattr(x, "shape", None)
    if shape is None:
        raise TypeError(f"K.int_shape: expected a tensor or an array; received {_describe(x)}")
    return tuple(shape)


def _shape_tensor(x):
    return torch.tensor(tuple(x.shape), dtype=torch.int32, device=x.device)


def shape(x):
    """The shape as a 1-D int32 tensor (symbolic for symbolic tensors, so unknown sizes are known at run time).

    Example:
        >>> shape(torch.ones(2, 5)).tolist()
        [2, 5]
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(_shape_tensor, (x,), {}, name="shape")
    return _shape_tensor(to_tensor(x))


def ndim(x):
    """The rank (number of axes) as an int.

    Example:
        >>> ndim(torch.ones(2, 5))
        2
    """
    return len(int_shape(x))


def dtype(x):
    """The dtype name, e.g. ``'float32'``.

    Example:
        >>> dtype(torch.ones(1, dtype=torch.int64))
        'int64'
    """
    if isinstance(x, KerasTensor):
        return x.dtype
    if isinstance(x, torch.Tensor):
        return dtype_name(x.dtype)
    raise TypeError(f"K.dtype: expected a tensor; received {_describe(x)}")


def count_params(x):
    """The number of scalars in ``x``.

    Example:
        >>> count_params(variable(np.zeros((2, 3))))
        6
    """
    return int(np.prod(int_shape(x), dtype=np.int64))


def _concrete(x, name):
    if isinstance(x, KerasTensor):
        raise TypeError(
            f"K.{name}: {x!r} is symbolic and has no value until a model runs; evaluate it with "
            "K.function([inputs], [tensor])([values]) or Model(inputs, tensor).predict(values)"
        )
    return x


def eval(x):
    """The value of a tensor or variable as a NumPy array.

    Example:
        >>> eval(constant([1.0, 2.0])).tolist()
        [1.0, 2.0]
    """
    return convert_to_numpy(_concrete(x, "eval"))


def get_value(x):
    """The value of a variable (or tensor) as a NumPy array.

    Example:
        >>> get_value(variable(3.0)).item()
        3.0
    """
    return convert_to_numpy(_concrete(x, "get_value"))


def set_value(x, value):
    """Overwrite variable ``x`` with ``value`` (same shape).

    Example:
        >>> v = variable([0.0]); set_value(v, [2.0]); get_value(v).tolist()
        [2.0]
    """
    if not isinstance(x, Variable):
        raise TypeError(f"K.set_value: expected a variable (K.variable, a layer weight); received {_describe(x)}")
    x.assign(value)


def batch_get_value(tensors):
    """The values of a list of tensors or variables, as NumPy arrays.

    Example:
        >>> [a.tolist() for a in batch_get_value([variable(1.0), constant([2.0])])]
        [1.0, [2.0]]
    """
    return [get_value(x) for x in tensors]


def batch_set_value(tuples):
    """Set several variables at once from ``(variable, value)`` pairs.

    Example:
        >>> v = variable(0.0); batch_set_value([(v, 4.0)]); get_value(v).item()
        4.0
    """
    for x, value in tuples:
        set_value(x, value)


def _assignable(x, name):
    if not isinstance(x, Variable):
        raise TypeError(f"K.{name}: expected a variable; received {_describe(x)}")
    return x


def update(x, new_x):
    """Assign ``new_x`` to variable ``x``; returns ``x``.

    Example:
        >>> update(variable(1.0), 5.0).item()
        5.0
    """
    return _assignable(x, "update").assign(new_x)


def update_add(x, increment):
    """Add ``increment`` to variable ``x`` in place; returns ``x``.

    Example:
        >>> update_add(variable(1.0), 2.0).item()
        3.0
    """
    return _assignable(x, "update_add").assign_add(increment)


def update_sub(x, decrement):
    """Subtract ``decrement`` from variable ``x`` in place; returns ``x``.

    Example:
        >>> update_sub(variable(1.0), 2.0).item()
        -1.0
    """
    return _assignable(x, "update_sub").assign_sub(decrement)


def moving_average_update(x, value, momentum):
    """``x = x * momentum + value * (1 - momentum)`` in place (batch normalisation's moving statistics).

    Example:
        >>> moving_average_update(variable(1.0), 3.0, 0.75).item()
        1.5
    """
    x = _assignable(x, "moving_average_update")
    with torch.no_grad():
        x.mul_(momentum).add_(to_tensor(value, dtype=x.dtype) * (1.0 - momentum))
    return x


def zeros(shape, dtype=None, name=None):
    """A variable of zeros (``floatx()`` unless ``dtype`` is given).

    Example:
        >>> get_value(zeros((2,))).tolist()
        [0.0, 0.0]
    """
    return variable(np.zeros(tuple(shape)), dtype=dtype, name=name)


def ones(shape, dtype=None, name=None):
    """A variable of ones.

    Example:
        >>> get_value(ones((2,))).tolist()
        [1.0, 1.0]
    """
    return variable(np.ones(tuple(shape)), dtype=dtype, name=name)


def eye(size, dtype=None, name=None):
    """A variable holding the identity matrix (``size`` or ``(rows, cols)``).

    Example:
        >>> get_value(eye(2)).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    rows, cols = (size, size) if isinstance(size, int) else tuple(size)
    return variable(np.eye(rows, cols), dtype=dtype, name=name)


@op
def zeros_like(x, dtype=None, name=None):
    """Zeros with the shape of ``x`` (and its dtype unless ``dtype`` is given).

    Example:
        >>> zeros_like(torch.ones(2)).tolist()
        [0.0, 0.0]
    """
    x = to_tensor(x)
    return torch.zeros_like(x, dtype=to_torch_dtype(dtype) if dtype is not None else x.dtype)


@op
def ones_like(x, dtype=None, name=None):
    """Ones with the shape of ``x`` (and its dtype unless ``dtype`` is given).

    Example:
        >>> ones_like(torch.zeros(2)).tolist()
        [1.0, 1.0]
    """
    x = to_tensor(x)
    return torch.ones_like(x, dtype=to_torch_dtype(dtype) if dtype is not None else x.dtype)


@op
def identity(x, name=None):
    """A tensor with the value of ``x`` (a new tensor, not a view of a variable).

    Example:
        >>> identity(torch.ones(1)).tolist()
        [1.0]
    """
    return to_tensor(x).clone()


def cast(x, dtype):
    """``x`` converted to ``dtype`` (floats to ints truncate towards zero).

    Example:
        >>> cast(torch.tensor([1.7, -1.7]), "int32").tolist()
        [1, -1]
    """
    return ops.cast(x, dtype)


def cast_to_floatx(x):
    """A NumPy array of ``x`` in ``floatx()``.

    Example:
        >>> cast_to_floatx([1, 2]).dtype
        dtype('float32')
    """
    return np.asarray(x, dtype=config.floatx())


@op
def print_tensor(x, message="", summarize=3):
    """Print ``message`` and the value of ``x`` when it is computed; returns ``x``.

    Example:
        >>> _ = print_tensor(torch.tensor([1.0]), "x =")
        x = [1.]
    """
    x = to_tensor(x)
    if in_symbolic_scope():  # shapes being inferred on stand-ins: nothing real to print
        return x
    print(message, np.array2string(convert_to_numpy(x), threshold=max(summarize, 1) * 2, edgeitems=summarize))
    return x
