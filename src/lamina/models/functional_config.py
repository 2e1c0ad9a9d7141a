"""A functional model's graph as data (``get_config``) and back (``from_config``), in Keras 3's layout.

The config lists every operation of the graph (layers, and the plain functions
recorded between them: ``x + 1``, ``x[:, :2]``, ``torch.sum(x, 1)``,
``lamina.ops.mean``) with the arguments of each of its calls (*nodes*)::

    {"name": ..., "trainable": ...,
     "layers": [{"class_name": "Dense", "config": {...}, "name": "dense",
                 "inbound_nodes": [{"args": [<tensor or value>, ...], "kwargs": {...}}]}, ...],
     "input_layers": ["input", 0, 0]     (or a list / dict of such triples, as the inputs),
     "output_layers": ["dense", 0, 0]}

A tensor argument is ``{"class_name": "__keras_tensor__", "config": {"shape", "dtype",
"keras_history": [operation name, node index, output index]}}``; other values are
JSON, or tagged dicts for slices (``__slice__``), tuples (``__tuple__``), ``...``
(``__ellipsis__``), dtypes (``__dtype__``) and small constant tensors
(``__tensor__``). A recorded function is an entry of class ``__operation__`` whose
``function`` is a name from :mod:`lamina.saving.function_names` (any other function is
stored as bytecode, which loads only with ``safe_mode=False``). Node indices count
only the nodes inside this model, so layers shared with other models serialise
cleanly. Configs written by Keras 3 (its ops are classes such as ``Add`` or
``GetItem``) and Keras 2 (``inbound_nodes`` as ``[[name, node, tensor, kwargs], ...]``)
load too.

Example:
    >>> from lamina.layers import Dense, Input
    >>> from lamina.models import Model
    >>> x = Input((3,), name="x")
    >>> model = Model(x, Dense(2, name="d")(x) * 2)
    >>> config = functional_get_config(model)
    >>> [entry["name"] for entry in config["layers"]], config["output_layers"]
    (['x', 'd', 'mul'], ['mul', 0, 0])
    >>> clone = functional_from_config(type(model), config)
    >>> clone.output_shape
    (None, 2)
"""
import collections
import operator

import numpy as np
import torch

from lamina.core import tree
from lamina.core.dtypes import dtype_name, to_torch_dtype
from lamina.core.naming import to_snake_case
from lamina.core.symbolic import KerasTensor, SymbolicOp, symbolic_call

_TENSOR = "__keras_tensor__"


# -- saving -----------------------------------------------------------------------------------


def _node_indices(model):
    """``{node: index among the operation's nodes that belong to this model}``."""
    program = model._program
    inside = set(program.nodes)
    for tensor in model.inputs:
        inside.add(tensor.node)
    index = {}
    for operation in program.operations:
        position = 0
        for node in operation._inbound_nodes:
            if node in inside:
                index[node] = position
                position += 1
    return index


def _history(tensor, node_index, model):
    history = tensor._keras_history
    if history is None or history.operation._inbound_nodes[history.node_index] not in node_index:
        raise ValueError(f"Model '{model.name}': cannot save the tensor {tensor!r}: it is not produced inside "
                         "the model (functional inputs must come from Input())")
    node = history.operation._inbound_nodes[history.node_index]
    return [history.operation.name, node_index[node], history.tensor_index]


def _encode(value, node_index, model, where):
    if isinstance(value, KerasTensor):
        return {"class_name": _TENSOR, "config": {"shape": list(value.shape), "dtype": value.dtype,
                                                  "keras_history": _history(value, node_index, model)}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list):
        return [_encode(v, node_index, model, where) for v in value]
    if isinstance(value, tuple):  # torch.Size too
        return {"class_name": "__tuple__", "config": {"value": [_encode(v, node_index, model, where) for v in value]}}
    if isinstance(value, dict):
        encoded = {str(k): _encode(v, node_index, model, where) for k, v in value.items()}
        if any(not isinstance(k, str) for k in value) or "class_name" in value:
            return {"class_name": "__dict__", "config": {"keys": [_encode(k, node_index, model, where)
                                                                   for k in value],
                                                         "values": list(encoded.values())}}
        return encoded
    if isinstance(value, slice):
        return {"class_name": "__slice__", "config": {"start": _encode(value.start, node_index, model, where),
                                                      "stop": _encode(value.stop, node_index, model, where),
                                                      "step": _encode(value.step, node_index, model, where)}}
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(value, torch.dtype):
        return {"class_name": "__dtype__", "config": {"name": dtype_name(value)}}
    if isinstance(value, (torch.Tensor, np.ndarray)):
        from lamina.saving import limits

        array = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value
        if array.size > limits.MAX_CONSTANT_ELEMENTS:
            raise ValueError(f"{where}: a constant tensor of shape {array.shape} is too large to store in the "
                             f"config (at most {limits.MAX_CONSTANT_ELEMENTS} elements); make it a layer weight")
        return {"class_name": "__tensor__", "config": {"value": array.tolist(), "shape": list(array.shape),
                                                       "dtype": dtype_name(to_torch_dtype(str(array.dtype)))}}
    raise ValueError(f"{where}: cannot save an argument of type {type(value).__name__} ({value!r:.80}); "
                     "node arguments must be tensors, numbers, strings, slices, tuples, lists or dicts")


def _structure_of_triples(structure, encode):
    if isinstance(structure, dict):
        return {k: encode(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [encode(v) for v in structure]
    return encode(structure)


def functional_get_config(model):
    """The config of a functional model (see the module docstring).

    Example:
        >>> from lamina.layers import Dense, Input
        >>> from lamina.models import Model
        >>> x = Input((2,), name="in")
        >>> functional_get_config(Model(x, Dense(1, name="out")(x)))["input_layers"]
        ['in', 0, 0]
    """
    from lamina.saving.function_names import serialize_function
    from lamina.saving.serialization import serialize_layer

    node_index = _node_indices(model)
    entries = []
    for operation in model._program.operations:
        nodes = [node for node in operation._inbound_nodes if node in node_index]
        if isinstance(operation, SymbolicOp):
            entry = {"class_name": "__operation__",
                     "config": {"name": operation.name, "function": serialize_function(operation.fn)}}
        else:
            entry = serialize_layer(operation)
        entry["name"] = operation.name
        where = f"Model '{model.name}', operation '{operation.name}'"
        entry["inbound_nodes"] = [] if getattr(operation, "_is_input_layer", False) else [
            {"args": [_encode(a, node_index, model, where) for a in node.call_args],
             "kwargs": {str(k): _encode(v, node_index, model, where) for k, v in node.call_kwargs.items()}}
            for node in nodes
        ]
        entries.append(entry)
    triple = lambda tensor: _history(tensor, node_index, model)  # noqa: E731
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": entries,
        "input_layers": _structure_of_triples(model._input_structure, triple),
        "output_layers": _structure_of_triples(model._output_structure, triple),
    }


# -- loading ----------------------------------------------------------------------------------


class _NotReady(Exception):
    """A node argument refers to a tensor that has not been computed yet."""


def _is_triple(value):
    return (isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str)
            and isinstance(value[1], int) and isinstance(value[2], int))


def _constant(config, where):
    from lamina.saving import limits
    from lamina.saving.errors import LoadError

    value, dtype = config.get("value"), config.get("dtype", "float32")
    count = [0]

    def check(v, depth):
        if depth > 32:
            raise LoadError(f"{where}: a constant tensor is nested too deeply")
        if isinstance(v, list):
            for item in v:
                check(item, depth + 1)
        elif isinstance(v, (int, float, bool)):
            count[0] += 1
            if count[0] > limits.MAX_CONSTANT_ELEMENTS:
                raise LoadError(f"{where}: a constant tensor has more than {limits.MAX_CONSTANT_ELEMENTS} elements")
        else:
            raise LoadError(f"{where}: a constant tensor holds a {type(v).__name__}")

    check(value, 0)
    try:
        torch_dtype = to_torch_dtype(dtype)
    except (TypeError, ValueError, KeyError):
        raise LoadError(f"{where}: unknown dtype {dtype!r} for a constant tensor") from None
    from lamina.core import config as core_config

    return torch.tensor(value, dtype=torch_dtype, device=core_config.device())


def _decode(value, tensors, where, depth=0):
    from lamina.saving.errors import LoadError

    if depth > 64:
        raise LoadError(f"{where}: node arguments are nested too deeply")
    if isinstance(value, list):
        return [_decode(v, tensors, where, depth + 1) for v in value]
    if not isinstance(value, dict):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise LoadError(f"{where}: unexpected node argument {value!r:.80}")
    kind = value.get("class_name")
    inner = value.get("config")
    if kind is None:
        return {k: _decode(v, tensors, where, depth + 1) for k, v in value.items()}
    if not isinstance(inner, dict):
        raise LoadError(f"{where}: node argument {kind!r} has no config dict")
    if kind == _TENSOR:
        history = inner.get("keras_history")
        if not _is_triple(history):
            raise LoadError(f"{where}: a tensor argument has a malformed keras_history {history!r:.80}")
        key = tuple(history[:3])
        if key not in tensors:
            raise _NotReady(key)
        return tensors[key]
    if kind == "__tuple__":
        items = inner.get("value")
        if not isinstance(items, list):
            raise LoadError(f"{where}: a tuple argument has no 'value' list")
        return tuple(_decode(v, tensors, where, depth + 1) for v in items)
    if kind == "__dict__":
        keys, values = inner.get("keys"), inner.get("values")
        if not isinstance(keys, list) or not isinstance(values, list) or len(keys) != len(values):
            raise LoadError(f"{where}: a dict argument is malformed")
        decoded_keys = [_decode(k, tensors, where, depth + 1) for k in keys]
        if not all(isinstance(k, (str, int, float, bool, tuple)) or k is None for k in decoded_keys):
            raise LoadError(f"{where}: a dict argument has unhashable keys")
        return dict(zip(decoded_keys, (_decode(v, tensors, where, depth + 1) for v in values)))
    if kind == "__slice__":
        parts = [_decode(inner.get(k), tensors, where, depth + 1) for k in ("start", "stop", "step")]
        return slice(*parts)
    if kind == "__ellipsis__":
        return Ellipsis
    if kind == "__dtype__":
        try:
            return to_torch_dtype(inner.get("name"))
        except (TypeError, ValueError, KeyError):
            raise LoadError(f"{where}: unknown dtype {inner.get('name')!r}") from None
    if kind == "__tensor__":
        return _constant(inner, where)
    raise LoadError(f"{where}: unknown node argument type {kind!r}")


def _legacy_node(node, where):
    """Keras 2's ``[[name, node, tensor, kwargs], ...]`` as Keras 3's ``{'args', 'kwargs'}``."""
    from lamina.saving.errors import LoadError

    if not isinstance(node, list) or not node or not all(_is_triple(entry) for entry in node):
        raise LoadError(f"{where}: malformed inbound node {node!r:.120}")
    tensors = [{"class_name": _TENSOR, "config": {"keras_history": entry[:3]}} for entry in node]
    kwargs = node[0][3] if len(node[0]) == 4 and isinstance(node[0][3], dict) else {}
    return {"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": kwargs}


def _keras_op(entry, where):
    """The lamina function standing for a Keras 3 op class (``Add``, ``GetItem``, ``Mean``...) and its options."""
    from lamina.saving.errors import LoadError
    from lamina.saving.function_names import resolve_name

    name = entry["class_name"]
    options = {k: v for k, v in (entry.get("config") or {}).items() if k != "name"}
    if name == "GetItem":
        return operator.getitem, options
    fn = resolve_name(f"ops.{to_snake_case(name)}")
    if fn is None:
        raise LoadError(f"{where}: the Keras op {name!r} has no lamina equivalent in lamina.ops")
    return fn, options


class _Operation:
    """A config entry that is a plain function: each node records it again as one graph node."""

    def __init__(self, fn, options=None, keras_getitem=False):
        self.fn = fn
        self.options = options or {}
        self.keras_getitem = keras_getitem

    def __call__(self, *args, **kwargs):
        if self.keras_getitem and len(args) == 2 and isinstance(args[1], list):
            args = (args[0], tuple(args[1]))  # Keras writes the index tuple as a list
        kwargs = {**self.options, **kwargs}
        return symbolic_call(self.fn, args, kwargs, name=getattr(self.fn, "__name__", "op"))


def _operation_from_entry(entry, where):
    from lamina.saving.errors import LoadError
    from lamina.saving.function_names import deserialize_function, lambda_globals
    from lamina.saving.serialization import current_custom_objects, deserialize_layer, in_safe_mode

    kind = entry.get("class_name")
    module = entry.get("module") or ""
    if kind == "__operation__":
        config = entry.get("config")
        if not isinstance(config, dict):
            raise LoadError(f"{where}: an operation entry has no config dict")
        custom = current_custom_objects()
        fn = deserialize_function(config.get("function"), where, custom, in_safe_mode(), lambda_globals(custom))
        return _Operation(fn)
    if isinstance(module, str) and module.startswith(("keras.src.ops", "keras.ops")):
        fn, options = _keras_op(entry, where)
        return _Operation(fn, options, keras_getitem=fn is operator.getitem)
    return deserialize_layer(entry, what=where)


def _outputs_of(result):
    return [t for t in tree.flatten(result) if isinstance(t, KerasTensor)]


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild a functional model of class ``cls`` from :func:`functional_get_config`'s output (or Keras's).

    Only registered classes and ``custom_objects`` can be named; functions stored as
    bytecode need ``safe_mode=False`` (see :mod:`lamina.saving`). Every problem raises
    :class:`lamina.saving.LoadError` naming the operation.

    Example:
        >>> config = {"name": "m", "layers": [
        ...     {"class_name": "InputLayer", "name": "x", "config": {"batch_shape": [None, 2], "name": "x"},
        ...      "inbound_nodes": []},
        ...     {"class_name": "Dense", "name": "d", "config": {"units": 1, "name": "d"}, "inbound_nodes": [
        ...         {"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}}],
        ...          "kwargs": {}}]}],
        ...     "input_layers": [["x", 0, 0]], "output_layers": [["d", 0, 0]]}
        >>> from lamina.models import Functional
        >>> functional_from_config(Functional, config).count_params()
        3
    """
    from lamina.saving.errors import LoadError, reraise_as_load_error
    from lamina.saving.serialization import in_safe_mode, load_scope

    if custom_objects:
        with load_scope(in_safe_mode(), custom_objects):
            return functional_from_config(cls, config, None)
    label = f"model {config.get('name')!r}" if isinstance(config, dict) else "model"
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise LoadError(f"{label}: a functional config must be a dict with a 'layers' list")
    operations, pending, order = {}, {}, []
    for index, entry in enumerate(config["layers"]):
        if not isinstance(entry, dict):
            raise LoadError(f"{label}: layers[{index}] is not a dict")
        name = entry.get("name")
        if name is None and isinstance(entry.get("config"), dict):
            name = entry["config"].get("name")
        if not isinstance(name, str):
            raise LoadError(f"{label}: layers[{index}] has no name")
        if name in operations:
            raise LoadError(f"{label}: two entries are named {name!r}")
        where = f"{label}, {entry.get('class_name', 'entry')} {name!r}"
        with reraise_as_load_error(where):
            operations[name] = _operation_from_entry(entry, where)
        nodes = entry.get("inbound_nodes") or []
        if not isinstance(nodes, list):
            raise LoadError(f"{where}: inbound_nodes must be a list")
        pending[name] = collections.deque(
            node if isinstance(node, dict) else _legacy_node(node, where) for node in nodes)
        order.append(name)

    tensors = {}
    for name in order:
        operation = operations[name]
        if getattr(operation, "_is_input_layer", False):
            tensors[(name, 0, 0)] = operation.output
    done = dict.fromkeys(order, 0)
    progress = True
    while progress:
        progress = False
        for name in order:
            queue = pending[name]
            while queue:
                node = queue[0]
                where = f"{label}, {name!r} node {done[name]}"
                args, kwargs = node.get("args", []), node.get("kwargs", {})
                if not isinstance(args, list) or not isinstance(kwargs, dict):
                    raise LoadError(f"{where}: a node needs an 'args' list and a 'kwargs' dict")
                try:
                    args = _decode(args, tensors, where)
                    kwargs = {str(k): _decode(v, tensors, where) for k, v in kwargs.items()}
                except _NotReady:
                    break
                with reraise_as_load_error(where):
                    result = operations[name](*args, **kwargs)
                outputs = _outputs_of(result)
                if not outputs:
                    raise LoadError(f"{where}: the call produced no symbolic tensor")
                for position, tensor in enumerate(outputs):
                    tensors[(name, done[name], position)] = tensor
                done[name] += 1
                queue.popleft()
                progress = True
    stuck = {name: len(queue) for name, queue in pending.items() if queue}
    if stuck:
        raise LoadError(f"{label}: the graph cannot be rebuilt: the nodes of {sorted(stuck)} wait for tensors that "
                        "no entry produces (the config is disconnected, cyclic or damaged)")

    def find(triple, what):
        if not _is_triple(triple) or tuple(triple[:3]) not in tensors:
            raise LoadError(f"{label}: {what} {triple!r:.80} is not a tensor of the rebuilt graph")
        return tensors[tuple(triple[:3])]

    inputs = _triples_structure(config.get("input_layers"), find, "input", label)
    outputs = _triples_structure(config.get("output_layers"), find, "output", label)
    with reraise_as_load_error(label):
        return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _triples_structure(value, find, what, label):
    from lamina.saving.errors import LoadError

    if _is_triple(value):
        return find(value, what)
    if isinstance(value, dict):
        return {str(k): find(v, f"{what} {k!r}") for k, v in value.items()}
    if isinstance(value, list) and value:
        return [find(v, f"{what} {i}") for i, v in enumerate(value)]
    raise LoadError(f"{label}: the model's {what}s are missing or malformed")


__all__ = ["functional_get_config", "functional_from_config"]
