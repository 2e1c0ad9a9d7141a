"""``Variable``: a Keras-style weight that *is* a ``torch.nn.Parameter``.

Layers create their weights as Variables, so they appear in ``parameters()`` and
``state_dict()`` like any torch weight, while offering Keras's ``assign``,
``numpy()``, ``name``, ``path`` and ``trainable``.

Example:
    >>> v = Variable([1.0, 2.0], name="w")
    >>> v.assign_add([1.0, 1.0]).numpy().tolist()
    [2.0, 3.0]
    >>> v.trainable
    True
"""
import numpy as np
import torch

from lamina.core import config
from lamina.core.dtypes import dtype_name, to_torch_dtype


def _as_tensor(value, dtype=None, device=None):
    if isinstance(value, torch.Tensor):
        out = value.detach()
        if dtype is not None and out.dtype != dtype:
            out = out.to(dtype)
        return out.to(device) if device is not None else out
    array = np.array(value)  # a copy: the variable must never share memory with the caller's array
    if dtype is None and array.dtype == np.float64:
        dtype = to_torch_dtype(None)
    return torch.as_tensor(array, dtype=dtype, device=device)


class Variable(torch.nn.Parameter):
    """A named, assignable weight tensor (``keras.Variable`` / ``tf.Variable``).

    Args:
        initial_value: array-like, tensor, or a callable ``initializer(shape, dtype)``.
        trainable: whether optimizers and ``GradientTape`` should follow it.
        name: short name (``'kernel'``); ``path`` adds the owner (``'dense/kernel'``).
        dtype: float32 by default for float input.
        shape: needed when ``initial_value`` is an initializer.

    Example:
        >>> w = Variable(np.ones((2, 3)), name="kernel")
        >>> tuple(w.shape), w.dtype
        ((2, 3), torch.float32)
    """

    def __new__(cls, initial_value=None, trainable=True, name=None, dtype=None, shape=None, **kwargs):
        if not isinstance(trainable, bool) and shape is None and trainable is not None:
            shape, trainable = trainable, True  # Keras order: Variable(initializer, shape, ...)
        torch_dtype = to_torch_dtype(dtype) if dtype is not None else None
        if callable(initial_value) and not isinstance(initial_value, (torch.Tensor, np.ndarray)):
            if shape is None:
                raise ValueError(f"Variable {name!r}: an initializer needs shape=; received shape=None")
            torch_dtype = torch_dtype or to_torch_dtype(None)
            data = initial_value(tuple(shape), dtype=dtype_name(torch_dtype))
            data = _as_tensor(data, torch_dtype, config.device())
        else:
            if initial_value is None:
                raise ValueError("Variable: initial_value is required")
            data = _as_tensor(initial_value, torch_dtype, config.device() if not isinstance(initial_value, torch.Tensor) else None)
        trainable = True if trainable is None else bool(trainable)
        if trainable and not (data.is_floating_point() or data.is_complex()):
            trainable = False  # integer variables (counters, seeds) cannot carry gradients
        self = super().__new__(cls, data, requires_grad=trainable)
        self._name = name or "variable"
        self._path = self._name
        self.regularizer = kwargs.pop("regularizer", None)
        self.constraint = kwargs.pop("constraint", None)
        self._created_trainable = trainable
        return self

    # -- Keras attributes -------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def path(self):
        return self._path

    @property
    def trainable(self):
        return self.requires_grad

    @trainable.setter
    def trainable(self, value):
        self.requires_grad_(bool(value))

    @property
    def value(self):
        return self

    @property
    def ndim(self):
        return self.dim()

    # -- assignment ---------------------------------------------------------
    def assign(self, value):
        """Overwrite the value in place (shape must match); returns the variable.

        Example:
            >>> Variable([0.0]).assign([3.0]).numpy()
            array([3.], dtype=float32)
        """
        new = _as_tensor(value, self.dtype, self.device)
        if tuple(new.shape) != tuple(self.shape):
            if new.numel() == 1 and self.numel() == 1:
                new = new.reshape(self.shape)
            else:
                raise ValueError(
                    f"Variable {self.path!r}: cannot assign a value of shape {tuple(new.shape)} "
                    f"to a variable of shape {tuple(self.shape)}"
                )
        with torch.no_grad():
            self.copy_(new)
        return self

    def assign_add(self, delta):
        """Add ``delta`` in place; returns the variable.

        Example:
            >>> Variable([1.0]).assign_add([2.0]).numpy()
            array([3.], dtype=float32)
        """
        with torch.no_grad():
            self.add_(_as_tensor(delta, self.dtype, self.device))
        return self

    def assign_sub(self, delta):
        """Subtract ``delta`` in place; returns the variable.

        Example:
            >>> Variable([1.0]).assign_sub([2.0]).numpy()
            array([-1.], dtype=float32)
        """
        with torch.no_grad():
            self.sub_(_as_tensor(delta, self.dtype, self.device))
        return self

    def numpy(self, *, force=False):
        """The value as a NumPy array (a copy, detached from autograd).

        Example:
            >>> Variable([1.0, 2.0]).numpy().shape
            (2,)
        """
        return self.detach().cpu().numpy()

    def read_value(self):
        return self.detach()

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype, copy=False)

    # -- copying keeps the Keras attributes ---------------------------------
    def _keras_state(self):
        return {
            "_name": self._name,
            "_path": self._path,
            "regularizer": self.regularizer,
            "constraint": self.constraint,
            "_created_trainable": self._created_trainable,
        }

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = _rebuild_variable(self.data.clone(memory_format=torch.preserve_format), self.requires_grad, self._keras_state())
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol):
        return (_rebuild_variable, (self.data, self.requires_grad, self._keras_state()))

    def __repr__(self):
        values = np.array2string(self.numpy(), threshold=6, edgeitems=2)
        return f"<Variable path={self.path}, shape={tuple(self.shape)}, dtype={dtype_name(self.dtype)}, value={values}>"

    __str__ = __repr__


def _numpy_operand(method):
    """Wrap a Tensor operator so NumPy operands work, as they do with TensorFlow variables."""

    def operator(self, other):
        if isinstance(other, np.ndarray) or isinstance(other, np.generic):
            other = torch.as_tensor(np.asarray(other), dtype=self.dtype if self.is_floating_point() else None,
                                    device=self.device)
        return method(self, other)

    operator.__name__ = method.__name__
    return operator


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
              "__rtruediv__", "__matmul__", "__rmatmul__", "__pow__", "__rpow__"):
    setattr(Variable, _name, _numpy_operand(getattr(torch.Tensor, _name)))


def _rebuild_variable(data, requires_grad, state):
    var = torch.nn.Parameter.__new__(Variable, data, requires_grad)
    var.__dict__.update(state)
    return var


def is_variable(x):
    """True for lamina Variables.

    Example:
        >>> is_variable(Variable([1.0])), is_variable(torch.ones(1))
        (True, False)
    """
    return isinstance(x, Variable)
