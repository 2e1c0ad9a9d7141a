"""``model.summary()``: the table of layers, output shapes and parameter counts.

The rows, shapes, counts and "Connected to" entries follow Keras 3; the table is
drawn with box characters when the output can show them, else ASCII.

Example:
    >>> from lamina import Sequential
    >>> from lamina.layers import Dense
    >>> lines = []
    >>> print_summary(Sequential([Dense(2, input_shape=(3,))], name="tiny"), print_fn=lines.append)
    >>> lines[0], lines[-3]
    ('Model: "tiny"', ' Total params: 8 (32.00 B)')
"""
import sys
import textwrap

from lamina.core import tree
from lamina.core.symbolic import KerasTensor


def _format_size(num_bytes):
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if num_bytes >= scale:
            return f"{num_bytes / scale:.2f} {unit}"
    return f"{float(num_bytes):.2f} B"


def _count(weights):
    return sum(int(w.numel()) for w in weights), sum(int(w.numel()) * w.element_size() for w in weights)


def _unique(weights):
    seen, out = set(), []
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            out.append(w)
    return out


def _shape_text(spec):
    if spec is None:
        return "?"
    if isinstance(spec, KerasTensor):
        return str(spec.shape).replace(",)", ")") if len(spec.shape) != 1 else f"({spec.shape[0]},)"
    if isinstance(spec, (list, tuple)) and spec and all(isinstance(s, KerasTensor) for s in tree.flatten(spec)):
        return "[" + ", ".join(_shape_text(s) for s in tree.flatten(spec)) + "]"
    if isinstance(spec, dict):
        return "{" + ", ".join(f"{k}: {_shape_text(v)}" for k, v in spec.items()) + "}"
    return "?"


def _model_nodes(model):
    program = getattr(model, "_program", None)
    if program is None:
        graph = getattr(model, "_graph", None)
        program = getattr(graph, "_program", None)
    return program


def _is_sequential_like(model, program):
    if program is None or type(model).__name__ == "Sequential":
        return True
    for node in program.nodes:
        if len(node.input_tensors) > 1:
            return False
    nodes = set(program.nodes)
    for layer in program.operations:
        if sum(1 for n in getattr(layer, "_inbound_nodes", []) if n in nodes) > 1:
            return False
    return True


def _rows(model, program, sequential_like, show_trainable):
    nodes = set(program.nodes) if program is not None else set()
    layers = model.layers if type(model).__name__ == "Sequential" else (
        [op for op in program.operations if hasattr(op, "weights")] if program is not None else model.layers)
    rows = []
    for layer in layers:
        name = getattr(layer, "name", type(layer).__name__)
        own = [n for n in getattr(layer, "_inbound_nodes", []) if n in nodes or getattr(n, "is_input", False)]
        output = own[0].outputs if own else None
        weights = layer.weights if hasattr(layer, "weights") else list(layer.parameters())
        params = _count(_unique(weights))[0] if getattr(layer, "built", True) else 0
        row = [f"{name} ({type(layer).__name__})", _shape_text(output), f"{params:,}"]
        if not sequential_like:
            links = []
            for node in own:
                for tensor in node.input_tensors:
                    history = tensor._keras_history
                    if history is not None:
                        links.append(f"{history.operation.name}[{history.node_index}][{history.tensor_index}]")
            row.append(", ".join(links) if links else "-")
        if show_trainable:
            row.append("-" if not weights else ("Y" if getattr(layer, "trainable", True) else "N"))
        rows.append(row)
    return rows


def _can_draw_boxes(print_fn):
    if print_fn is not None:
        return True
    encoding = getattr(sys.stdout, "encoding", None) or ""
    return "utf" in encoding.lower()


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Print ``model``'s summary table through ``print_fn`` (default ``print``).

    Example:
        >>> from lamina.layers import Dense, Input
        >>> from lamina import Model
        >>> x = Input((3,)); print_summary(Model(x, Dense(1)(x), name="m"), print_fn=lambda line: None)
    """
    program = _model_nodes(model)
    sequential_like = _is_sequential_like(model, program)
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if not sequential_like:
        headers.append("Connected to")
    if show_trainable:
        headers.append("Trainable")
    rows = _rows(model, program, sequential_like, show_trainable)
    if layer_range is not None:
        names = [r[0].split(" (")[0] for r in rows]
        start, end = names.index(layer_range[0]), names.index(layer_range[1])
        rows = rows[start:end + 1]
    line_length = line_length or (78 if sequential_like else 100)
    fractions = positions or ([0.45, 0.76, 1.0] if sequential_like else [0.3, 0.55, 0.67, 1.0])
    if show_trainable:
        fractions = [f * 0.9 for f in fractions] + [1.0]
    if fractions[-1] <= 1.0:
        fractions = [int(line_length * f) for f in fractions]
    widths = [fractions[0]] + [b - a for a, b in zip(fractions, fractions[1:])]
    widths = [max(w - 3, 4) for w in widths[: len(headers)]]
    boxes = _can_draw_boxes(print_fn)
    emit = print_fn or print
    v, h, hh = ("│", "─", "━") if boxes else ("|", "-", "=")
    right_aligned = {2}

    def render(cells):
        wrapped = [textwrap.wrap(c, w, break_on_hyphens=False) or [""] for c, w in zip(cells, widths)]
        height = max(len(w) for w in wrapped)
        for i in range(height):
            parts = []
            for col, (lines, width) in enumerate(zip(wrapped, widths)):
                text = lines[i] if i < len(lines) else ""
                parts.append(text.rjust(width) if col in right_aligned else text.ljust(width))
            emit(f"{v} " + f" {v} ".join(parts) + f" {v}")

    def rule(char, left, mid, right):
        emit(left + mid.join(char * (w + 2) for w in widths) + right)

    emit(f'Model: "{model.name}"')
    if boxes:
        rule(hh, "┏", "┳", "┓")
        emit("┃ " + " ┃ ".join(hd.rjust(w) if i in right_aligned else hd.ljust(w)
                               for i, (hd, w) in enumerate(zip(headers, widths))) + " ┃")
        rule(hh, "┡", "╇", "┩")
    else:
        rule(hh, "+", "+", "+")
        render(headers)
        rule(hh, "+", "+", "+")
    for index, row in enumerate(rows):
        render(row)
        if index < len(rows) - 1:
            rule(h, "├" if boxes else "+", "┼" if boxes else "+", "┤" if boxes else "+")
    rule(h, "└" if boxes else "+", "┴" if boxes else "+", "┘" if boxes else "+")
    all_weights = _unique(model.weights)
    trainable = _unique(model.trainable_weights)
    trainable_ids = {id(w) for w in trainable}
    non_trainable = [w for w in all_weights if id(w) not in trainable_ids]
    total = _count(all_weights)
    emit(f" Total params: {total[0]:,} ({_format_size(total[1])})")
    count = _count(trainable)
    emit(f" Trainable params: {count[0]:,} ({_format_size(count[1])})")
    count = _count(non_trainable)
    emit(f" Non-trainable params: {count[0]:,} ({_format_size(count[1])})")
