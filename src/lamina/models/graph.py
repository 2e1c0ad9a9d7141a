"""Ordering the nodes between a graph's inputs and outputs, and running them.

:func:`map_graph` walks back from the outputs to the inputs, checks that every
output can be computed from the inputs, and returns the nodes in an order in which
they can run plus the operations in Keras's order (deepest first, then by first
visit). :class:`GraphProgram` turns that into a straight list of steps over a flat
list of value slots, so running the graph is one loop with no lookups by name.

Example:
    >>> from lamina.core.symbolic import KerasTensor
    >>> from lamina.layers.core.input_layer import Input
    >>> x = Input((3,))
    >>> y = (x + 1) * 2
    >>> program = GraphProgram([x], [y])
    >>> program.run([torch.ones(1, 3)])[0].tolist()
    [[4.0, 4.0, 4.0]]
"""
import torch  # noqa: F401  (used by the examples)

from lamina.core import tree
from lamina.core.symbolic import KerasTensor


class GraphError(ValueError):
    """A graph whose outputs cannot be computed from its inputs (or is otherwise malformed)."""


def _describe(tensor):
    history = tensor._keras_history
    if history is None:
        return f"{tensor!r} (created directly, not by Input or a layer)"
    op = history.operation
    return f"tensor {tensor.name or ''} of shape {tensor.shape} produced by {type(op).__name__} '{op.name}'".replace(
        "tensor  of", "tensor of")


def map_graph(inputs, outputs):
    """Return ``(nodes_in_run_order, operations_in_keras_order)`` for the graph from ``inputs`` to ``outputs``.

    Raises :class:`GraphError` naming the tensor that cannot be reached from the inputs.

    Example:
        >>> from lamina.layers.core.input_layer import Input
        >>> a = Input((2,)); b = Input((2,))
        >>> map_graph([a], [a + b])
        Traceback (most recent call last):
        ...
        lamina.models.graph.GraphError: Graph disconnected: ...
    """
    input_ids = {id(t) for t in inputs}
    finished, in_progress = set(), set()
    ordered_nodes = []  # post-order: every node after the nodes it depends on
    first_visit = {}

    def visit(tensor, path):
        history = tensor._keras_history
        if history is None:
            raise GraphError(f"Graph disconnected: {_describe(tensor)} is needed for {path} but has no history.")
        node = history.operation._inbound_nodes[history.node_index]
        if node in finished:
            return
        if id(tensor) in input_ids and not node.is_input:
            finished.add(node)
            return
        if node.is_input and id(tensor) not in input_ids:
            names = [t.name for t in inputs]
            raise GraphError(
                f"Graph disconnected: {path} depends on Input '{history.operation.name}' (shape {tensor.shape}), "
                f"which is not one of the model's inputs {names}. Pass it in `inputs`."
            )
        if node in in_progress:
            raise GraphError(f"{_describe(tensor)} is part of a cycle.")
        first_visit.setdefault(node.operation, len(first_visit))
        in_progress.add(node)
        for parent in node.input_tensors:
            visit(parent, path)
        in_progress.discard(node)
        finished.add(node)
        ordered_nodes.append(node)

    for index, output in enumerate(outputs):
        if not isinstance(output, KerasTensor):
            raise GraphError(f"Model outputs must be symbolic tensors; output {index} is {type(output).__name__}")
        visit(output, f"output {index} ({_describe(output)})")

    # depth: the longest path from a node to an output; operations sorted deepest first (Keras's order)
    in_graph = set(ordered_nodes)
    node_depth, op_depth = {}, {}
    for node in reversed(ordered_nodes):
        depth = max(node_depth.setdefault(node, 0), op_depth.get(node.operation, 0))
        node_depth[node] = depth
        op_depth[node.operation] = depth
        for parent in node.parent_nodes:
            if parent in in_graph:
                node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    for tensor in inputs:  # unused inputs still belong to the model
        history = tensor._keras_history
        if history is not None and history.operation not in op_depth:
            node = history.operation._inbound_nodes[history.node_index]
            if node.is_input:
                op_depth[history.operation] = 0
                first_visit[history.operation] = -1
    operations = sorted(op_depth, key=lambda op: (-op_depth[op], first_visit.get(op, -1)))
    return [n for n in ordered_nodes if not n.is_input], operations


class _Slot:
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _fill(template, values):
    if isinstance(template, _Slot):
        return values[template.index]
    if isinstance(template, (list, tuple)):
        return type(template)(_fill(v, values) for v in template)
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    return template


class GraphProgram:
    """A graph compiled into steps over value slots: ``run(input_values) -> output_values``.

    Example:
        >>> from lamina.layers.core.input_layer import Input
        >>> x = Input((2,))
        >>> GraphProgram([x], [x * 3]).run([torch.ones(1, 2)])[0].tolist()
        [[3.0, 3.0]]
    """

    def __init__(self, inputs, outputs):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.nodes, self.operations = map_graph(self.inputs, self.outputs)
        slots = {}
        for tensor in self.inputs:
            slots.setdefault(id(tensor), len(slots))
        self.num_inputs = len(slots)
        self.steps = []
        for node in self.nodes:
            args = tree.map_structure(lambda v: _Slot(slots[id(v)]) if isinstance(v, KerasTensor) else v,
                                      node.call_args)
            kwargs = tree.map_structure(lambda v: _Slot(slots[id(v)]) if isinstance(v, KerasTensor) else v,
                                        node.call_kwargs)
            out_slots = []
            for position, leaf in enumerate(tree.flatten(node.outputs)):
                if isinstance(leaf, KerasTensor):
                    slots.setdefault(id(leaf), len(slots))
                    out_slots.append((position, slots[id(leaf)]))
            single_in = args[0].index if (len(args) == 1 and isinstance(args[0], _Slot) and not kwargs) else None
            single_out = out_slots[0][1] if (not tree.is_nested(node.outputs) and len(out_slots) == 1) else None
            self.steps.append((node.operation, args, kwargs, single_in, single_out, out_slots, "training" in kwargs))
        self.slots = slots
        self.num_slots = len(slots)
        self.output_slots = [slots[id(t)] for t in self.outputs]

    def run(self, input_values, keep_values=False, training=None):
        """Run every step; return the output values (and all slot values if ``keep_values``).

        A ``training`` value that is not ``None`` overrides any ``training=`` recorded when
        the graph was built (as in Keras 3); otherwise recorded values are kept.
        """
        values = [None] * self.num_slots
        for index, value in enumerate(input_values):
            values[index] = value
        for operation, args, kwargs, single_in, single_out, out_slots, has_training in self.steps:
            if single_in is not None:
                result = operation(values[single_in])
            else:
                kwargs = _fill(kwargs, values)
                if has_training and training is not None:
                    kwargs["training"] = training
                result = operation(*_fill(args, values), **kwargs)
            if single_out is not None:
                values[single_out] = result
            else:
                flat = tree.flatten(result)
                for position, slot in out_slots:
                    values[slot] = flat[position]
        outputs = [values[i] for i in self.output_slots]
        return (outputs, values) if keep_values else outputs

    def slot_of(self, tensor):
        """The slot index of a KerasTensor of this graph, or ``None``."""
        return self.slots.get(id(tensor))

