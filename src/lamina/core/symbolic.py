"""Symbolic tensors (``KerasTensor``), the nodes that connect them, and shape inference.

``Input(shape)`` returns a :class:`KerasTensor`: a shape and a dtype with no value.
Calling a layer or an op on KerasTensors records a :class:`Node` (operation, its
arguments, its outputs) and returns new KerasTensors; a functional ``Model`` later
walks those nodes in order on real tensors.

Output shapes are inferred by running the operation on PyTorch ``meta`` tensors
(shapes and dtypes, no memory, no compute) twice, with two different sizes standing
in for each unknown dimension; the dimensions that differ between the two runs are
unknown (``None``) in the result. Operations that cannot run on meta tensors
(data-dependent shapes, NumPy calls, constants on another device) fall back to
small real tensors of ones.

Example:
    >>> a = KerasTensor((None, 3))
    >>> b = a * 2 + 1
    >>> b.shape
    (None, 3)
"""
import contextlib
import itertools
import operator
from typing import NamedTuple

import numpy as np
import torch

from lamina.core import config, tree
from lamina.core.dtypes import STRING, dtype_name, to_torch_dtype

_node_ids = itertools.count()
_META_FILLS = (83, 89)  # stand-ins for unknown dims; two primes whose results rarely collide
_REAL_FILLS = (2, 3)
_META_THRESHOLD = 1 << 22  # stand-ins larger than this (in elements) run on meta tensors
_symbolic_depth = 0
_captures = []


class KerasHistory(NamedTuple):
    """Where a KerasTensor came from: ``operation.inbound_nodes[node_index].outputs[tensor_index]``."""

    operation: object
    node_index: int
    tensor_index: int


class KerasTensor:
    """A symbolic tensor: shape (``None`` for unknown dims) and dtype, but no value.

    Python operators, slicing, ``torch.*`` functions and ``lamina.ops`` on it record
    nodes in the graph and return new KerasTensors.

    Example:
        >>> x = KerasTensor((None, 4), name="x")
        >>> y = torch.tanh(x[:, :2])
        >>> y.shape, y.dtype
        ((None, 2), 'float32')
    """

    __array_priority__ = 100  # numpy defers to our reflected operators

    def __init__(self, shape, dtype=None, name=None, sparse=False, ragged=False):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype_name(dtype) if dtype is not None else config.floatx()
        self.name = name
        self.sparse = sparse
        self.ragged = ragged
        self._keras_history = None

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def node(self):
        history = self._keras_history
        return None if history is None else history.operation._inbound_nodes[history.node_index]

    def get_shape(self):
        return self.shape

    def __repr__(self):
        origin = ""
        if self._keras_history is not None:
            origin = f", created by {type(self._keras_history.operation).__name__} '{self._keras_history.operation.name}'"
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}{name}{origin}>"

    def __bool__(self):
        raise TypeError(
            f"A symbolic tensor {self!r} has no truth value: it has no value until the model runs. "
            "Use lamina.ops.cond/where inside a layer instead of Python `if`."
        )

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"Cannot convert the symbolic tensor {self!r} to a NumPy array: it has no value until the model "
            "runs. Build a Model(inputs, outputs) and call predict(), or use it inside a layer."
        )

    def __iter__(self):
        if self.shape and self.shape[0] is not None:
            return iter([self[i] for i in range(self.shape[0])])
        raise TypeError(f"Cannot iterate over the symbolic tensor {self!r}: its first dimension is unknown")

    def __len__(self):
        if self.shape and self.shape[0] is not None:
            return self.shape[0]
        raise TypeError(f"len() of the symbolic tensor {self!r} is unknown: its first dimension is None")

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return symbolic_call(func, args, kwargs or {}, name=getattr(func, "__name__", "torch_op"))

    def numpy(self):
        return self.__array__()


def _constant(value):
    if isinstance(value, (list, tuple)) or type(value).__module__ == "numpy":
        import numpy as np

        array = np.asarray(value)
        dtype = to_torch_dtype(None) if array.dtype == np.float64 else None
        return torch.as_tensor(array, dtype=dtype, device=config.device())
    return value


def _binary(fn, name, reflected=False):
    if reflected:
        def method(self, other):
            return symbolic_call(fn, (_constant(other), self), {}, name=name)
    else:
        def method(self, other):
            return symbolic_call(fn, (self, _constant(other)), {}, name=name)
    method.__name__ = name
    return method


def _unary(fn, name):
    def method(self):
        return symbolic_call(fn, (self,), {}, name=name)
    method.__name__ = name
    return method


for _name, _fn in [
    ("add", operator.add), ("sub", operator.sub), ("mul", operator.mul), ("truediv", operator.truediv),
    ("floordiv", operator.floordiv), ("mod", operator.mod), ("pow", operator.pow), ("matmul", operator.matmul),
    ("and", operator.and_), ("or", operator.or_), ("xor", operator.xor),
]:
    setattr(KerasTensor, f"__{_name}__", _binary(_fn, _name))
    setattr(KerasTensor, f"__r{_name}__", _binary(_fn, _name, reflected=True))
for _name, _fn in [("lt", operator.lt), ("le", operator.le), ("gt", operator.gt), ("ge", operator.ge)]:
    setattr(KerasTensor, f"__{_name}__", _binary(_fn, _name))
for _name, _fn in [("neg", operator.neg), ("pos", operator.pos), ("abs", operator.abs), ("invert", operator.invert)]:
    setattr(KerasTensor, f"__{_name}__", _unary(_fn, _name))
KerasTensor.__getitem__ = lambda self, key: symbolic_call(operator.getitem, (self, key), {}, name="getitem")


def is_keras_tensor(x):
    """True for symbolic tensors.

    Example:
        >>> is_keras_tensor(KerasTensor((1,))), is_keras_tensor(torch.ones(1))
        (True, False)
    """
    return isinstance(x, KerasTensor)


def any_symbolic(args, kwargs=None):
    """True if any leaf of ``args``/``kwargs`` is a KerasTensor.

    Example:
        >>> any_symbolic((1, [KerasTensor((2,))]))
        True
    """
    for leaf in tree.flatten((args, kwargs) if kwargs else args):
        if isinstance(leaf, KerasTensor):
            return True
    return False


# -- nodes ------------------------------------------------------------------------


class Node:
    """One call of an operation on symbolic arguments.

    Attributes:
        operation: the layer or op called.
        call_args, call_kwargs: the arguments, with KerasTensors in place of values.
        input_tensors: the KerasTensors found in the arguments, in flatten order.
        outputs: the output structure; ``output_tensors`` its KerasTensors.

    Example:
        >>> x = KerasTensor((None, 2))
        >>> node = (x + 1).node
        >>> node.input_tensors == [x]
        True
    """

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.input_tensors = [x for x in tree.flatten((self.call_args, self.call_kwargs)) if isinstance(x, KerasTensor)]
        self.outputs = outputs
        self.output_tensors = [x for x in tree.flatten(outputs) if isinstance(x, KerasTensor)]
        self.id = next(_node_ids)
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for index, tensor in enumerate(self.output_tensors):
            tensor._keras_history = KerasHistory(operation, node_index, index)
        for tensor in self.input_tensors:
            if tensor._keras_history is not None:
                tensor._keras_history.operation._outbound_nodes.append(self)

    @property
    def is_input(self):
        return not self.input_tensors and getattr(self.operation, "_is_input_layer", False)

    @property
    def parent_nodes(self):
        return [t.node for t in self.input_tensors if t._keras_history is not None]

    def __repr__(self):
        return f"<Node {self.operation.name} #{self.id}>"


class Operation:
    """Base of everything that can sit in a graph node (layers have the same protocol).

    Example:
        >>> op = SymbolicOp(torch.sin, "sin")
        >>> op.name
        'sin'
    """

    def __init__(self, name):
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []


class SymbolicOp(Operation):
    """A plain function (``torch.sum``, ``operator.add``, ``lamina.ops.mean``...) recorded in a graph.

    Ops are nodes of a functional model but not layers: they hold no weights and do
    not appear in ``model.layers`` (as in Keras 3).

    Example:
        >>> x = KerasTensor((None, 3))
        >>> y = torch.sum(x, dim=1)
        >>> type(y.node.operation).__name__, y.shape
        ('SymbolicOp', (None,))
    """

    def __init__(self, fn, name=None):
        from lamina.core.naming import unique_name

        super().__init__(unique_name(name or getattr(fn, "__name__", "op")))
        self.fn = fn

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


# -- shape inference -------------------------------------------------------------


def in_symbolic_scope():
    """True while lamina runs an operation on stand-in tensors to infer shapes.

    Layers must skip side effects (``add_loss``, moving statistics, stored states)
    while this is true: the stand-ins are ones or shape-only ``meta`` tensors.

    Example:
        >>> in_symbolic_scope()
        False
    """
    return _symbolic_depth > 0


@contextlib.contextmanager
def symbolic_scope():
    """Mark a region where tensors are stand-ins (see :func:`in_symbolic_scope`)."""
    global _symbolic_depth
    _symbolic_depth += 1
    try:
        yield
    finally:
        _symbolic_depth -= 1


def _stand_in(fill, device):
    def convert(x):
        if isinstance(x, KerasTensor):
            shape = [fill if d is None else d for d in x.shape]
            if x.dtype == STRING:
                return np.full(shape, "a", dtype=object)
            return torch.ones(shape, dtype=to_torch_dtype(x.dtype), device=device)
        return x

    return convert


def _meta_state(module):
    state = {}
    for name, tensor in itertools.chain(module.named_parameters(remove_duplicate=False),
                                        module.named_buffers(remove_duplicate=False)):
        state[name] = torch.empty_like(tensor, device="meta")
    return state


def _run_on_stand_ins(fn, args, kwargs, fill, meta, module):
    convert = _stand_in(fill, "meta" if meta else config.device())
    context = contextlib.nullcontext()
    if meta and module is not None:
        from torch.nn.utils.stateless import _reparametrize_module

        context = _reparametrize_module(module, _meta_state(module))
    with symbolic_scope(), torch.no_grad(), context:
        return fn(*tree.map_structure(convert, args), **tree.map_structure(convert, kwargs))


def _spec_of(first, second):
    if isinstance(first, np.ndarray) and first.dtype.kind in "USO":
        return KerasTensor(tuple(a if a == b else None for a, b in zip(first.shape, second.shape)), dtype=STRING)
    if not isinstance(first, torch.Tensor):
        return first
    if first.dim() != second.dim():
        shape = (None,) * first.dim()
    else:
        shape = tuple(a if a == b else None for a, b in zip(first.shape, second.shape))
    return KerasTensor(shape, dtype=first.dtype)


def _stand_in_numel(args, kwargs):
    total = 0
    for x in tree.flatten((args, kwargs)):
        if isinstance(x, KerasTensor):
            size = 1
            for d in x.shape:
                size *= _REAL_FILLS[1] if d is None else d
            total += size
    return total


def infer_output_spec(fn, args, kwargs=None, module=None):
    """Run ``fn`` on stand-ins for the KerasTensors in its arguments; return KerasTensor outputs.

    Small inputs run on real ones (cheapest, and every function can run them);
    large ones on shape-only ``meta`` tensors, with ``module``'s weights swapped for
    meta copies so that nothing is computed, falling back to real ones when the
    function cannot run on meta tensors.

    Example:
        >>> out = infer_output_spec(torch.cat, ([KerasTensor((None, 2)), KerasTensor((None, 3))],), {"dim": 1})
        >>> out.shape
        (None, 5)
    """
    kwargs = kwargs or {}
    first = None
    has_strings = any(isinstance(x, KerasTensor) and x.dtype == STRING for x in tree.flatten((args, kwargs)))
    if not has_strings and _stand_in_numel(args, kwargs) > _META_THRESHOLD:
        try:
            first = _run_on_stand_ins(fn, args, kwargs, _META_FILLS[0], True, module)
            second = _run_on_stand_ins(fn, args, kwargs, _META_FILLS[1], True, module)
        except Exception:  # not every function runs on meta tensors: use real ones below
            first = None
    if first is None:
        first = _run_on_stand_ins(fn, args, kwargs, _REAL_FILLS[0], False, module)
        second = _run_on_stand_ins(fn, args, kwargs, _REAL_FILLS[1], False, module)
    flat_first, flat_second = tree.flatten(first), tree.flatten(second)
    specs = [_spec_of(a, b) for a, b in zip(flat_first, flat_second)]
    if not tree.is_nested(first):
        return specs[0]
    return tree.pack_sequence_as(first, specs)


# -- recording ops and resolving symbolic tensors to values ------------------------

_MISSING = object()


@contextlib.contextmanager
def capture_scope():
    """While active, functional models publish the values of their symbolic tensors.

    A loss or metric that reads ``model.get_layer(...).output`` during ``fit`` then gets
    that tensor's value from the current forward pass instead of a symbolic tensor.

    Example:
        >>> with capture_scope():
        ...     pass
    """
    _captures.append([])
    try:
        yield _captures[-1]
    finally:
        _captures.pop()


def capturing():
    """True inside :func:`capture_scope` (functional models then call :func:`publish`)."""
    return bool(_captures)


def publish(lookup):
    """Register ``lookup(keras_tensor) -> value or None`` in the innermost capture scope."""
    if _captures:
        _captures[-1].append(lookup)


def resolve(x):
    """The current value of KerasTensor ``x`` inside a capture scope, else ``x`` itself.

    Example:
        >>> t = KerasTensor((1,))
        >>> resolve(t) is t
        True
    """
    if not isinstance(x, KerasTensor) or not _captures:
        return x
    for scope in reversed(_captures):
        for lookup in reversed(scope):
            value = lookup(x)
            if value is not None:
                return value
    return x


def symbolic_call(fn, args, kwargs=None, name=None):
    """Call ``fn`` on arguments holding KerasTensors: evaluate if their values are known, else record a node.

    Example:
        >>> x = KerasTensor((None, 5))
        >>> symbolic_call(torch.mean, (x,), {"dim": -1}).shape
        (None,)
    """
    kwargs = kwargs or {}
    if _captures:
        values_args = tree.map_structure(resolve, args)
        values_kwargs = tree.map_structure(resolve, kwargs)
        if not any_symbolic(values_args, values_kwargs):
            return fn(*values_args, **values_kwargs)
    op = SymbolicOp(fn, name)
    outputs = infer_output_spec(fn, args, kwargs)
    Node(op, args, kwargs, outputs)
    return outputs
