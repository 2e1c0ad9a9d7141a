"""``plot_model`` and ``model_to_dot``: a picture of a model's layer graph.

Keras draws the graph with pydot and the Graphviz ``dot`` program. lamina lays the graph
out itself (layers in ranks by their longest path from the inputs, ordered within a rank to
limit crossings) and draws it with matplotlib's Agg canvas, so no system package is needed:
``.png``, ``.jpg``, ``.svg`` and ``.pdf`` files are written by matplotlib. ``.dot`` files get
the Graphviz source, to render elsewhere with ``dot -Tpng model.dot``. :func:`model_to_dot`
returns a ``pydot.Dot`` as Keras does, and therefore needs pydot.

Example:
    >>> import os, tempfile
    >>> from lamina import layers, models
    >>> model = models.Sequential([layers.Input((4,)), layers.Dense(3, name="hidden"), layers.Dense(1)])
    >>> path = plot_model(model, os.path.join(tempfile.mkdtemp(), "model.png"), show_shapes=True)
    >>> open(path, "rb").read(4)
    b'\\x89PNG'
"""
import os
import warnings

from lamina.core import tree

FORMATS = ("png", "jpg", "jpeg", "svg", "pdf", "dot")
RANKDIRS = ("TB", "LR")
_CHAR_W, _LINE_H, _PAD = 0.085, 0.2, 0.15   # inches, for 9-point monospace text (with some slack)
_MAX_PIXELS = 32768


class _Box:
    """One drawn node: a layer (or op), its label lines and the nested-model frame it belongs to."""

    def __init__(self, key, lines, cluster):
        self.key, self.lines, self.cluster = key, lines, cluster


def _format_shape(value):
    shapes = tree.map_structure(lambda t: tuple(t.shape), value)
    return str(shapes).replace("{", "").replace("}", "").replace("'", "")


def _label(operation, node, options):
    name = type(operation).__name__
    lines = [f"{operation.name} ({name})" if options["show_layer_names"] else name]
    activation = getattr(operation, "activation", None)
    if options["show_layer_activations"] and activation is not None and callable(activation):
        lines.append(f"Activation: {getattr(activation, '__name__', type(activation).__name__)}")
    if options["show_shapes"]:
        if not node.is_input:
            inputs = node.input_tensors[0] if len(node.input_tensors) == 1 else node.input_tensors
            lines.append(f"Input shape: {_format_shape(inputs)}")
        outputs = node.output_tensors[0] if len(node.output_tensors) == 1 else node.output_tensors
        lines.append(f"Output shape: {_format_shape(outputs)}")
    if options["show_dtype"]:
        lines.append(f"Output dtype: {', '.join(str(t.dtype) for t in node.output_tensors)}")
    if options["show_trainable"] and getattr(operation, "weights", None):
        lines.append("Trainable" if operation.trainable else "Non-trainable")
    return lines


def _is_graph_model(operation):
    from lamina.models import Model

    try:
        return isinstance(operation, Model) and bool(operation.inputs)
    except (AttributeError, ValueError):
        return False


def _collect(model, options, boxes, edges, cluster=None, prefix=""):
    """Add ``model``'s layer calls as boxes and their connections as edges; return (input keys, output keys)."""
    from lamina.models.graph import map_graph

    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError) as error:
        raise ValueError(f"plot_model: model '{model.name}' has no layer graph yet; build it (give it an input "
                         "shape or call it on data) first") from error
    nodes, _ = map_graph(inputs, outputs)
    input_nodes = [t.node for t in inputs]
    tail = {}  # id(operation) -> the keys that its outgoing edges start from

    def add(node):
        operation = node.operation
        key = prefix + str(id(operation))
        if id(operation) in tail:
            return
        if options["expand_nested"] and _is_graph_model(operation):
            frame = (f"{operation.name} ({type(operation).__name__})", cluster)
            heads, tails = _collect(operation, options, boxes, edges, cluster=frame, prefix=key + "/")
            tail[id(operation)] = (heads, tails)
            return
        boxes[key] = _Box(key, _label(operation, node, options), cluster)
        tail[id(operation)] = ([key], [key])

    for node in input_nodes + nodes:
        add(node)
    for node in nodes:
        heads = tail[id(node.operation)][0]
        for parent in node.parent_nodes:
            for start in tail[id(parent.operation)][1]:
                for end in heads:
                    if (start, end) not in edges:
                        edges.append((start, end))
    return ([k for n in input_nodes for k in tail[id(n.operation)][0]],
            [k for t in outputs for k in tail[id(t.node.operation)][1]])


def _graph(model, options):
    if not getattr(model, "built", False):
        raise ValueError(f"plot_model: model '{model.name}' is not built yet; build it first by calling `build()` "
                         "or by calling the model on a batch of data")
    boxes, edges = {}, []
    _collect(model, options, boxes, edges)
    return boxes, edges


def _layout(boxes, edges):
    """Place boxes in ranks and order them to limit crossings (a small Sugiyama layout).

    Ranks are longest paths from the sources. An edge spanning several ranks gets a waypoint
    in each rank it crosses, so it is routed beside the boxes rather than through them.
    Within a rank, places follow the mean place of the neighbours (down, up, down sweeps).

    Returns ``(rank, place, paths)``: each key's rank and place (boxes and waypoints), and
    each edge's list of keys from its start to its end.
    """
    rank = {}
    parents = {key: [] for key in boxes}
    for start, end in edges:
        parents[end].append(start)
    for key in boxes:  # boxes were added in a valid topological order
        rank[key] = max((rank[p] + 1 for p in parents[key]), default=0)
    up = {key: [] for key in boxes}
    down = {key: [] for key in boxes}
    paths = []
    for number, (start, end) in enumerate(edges):
        path = [start] + [("waypoint", number, r) for r in range(rank[start] + 1, rank[end])] + [end]
        for key in path[1:-1]:
            rank[key] = key[2]
            up[key], down[key] = [], []
        for a, b in zip(path, path[1:]):
            down[a].append(b)
            up[b].append(a)
        paths.append(path)
    ranks = {}
    for key in rank:
        ranks.setdefault(rank[key], []).append(key)
    place = {}
    for keys in ranks.values():
        for index, key in enumerate(keys):
            place[key] = index - (len(keys) - 1) / 2.0
    for neighbours, sequence in ((up, sorted(ranks)), (down, sorted(ranks, reverse=True)), (up, sorted(ranks))):
        for r in sequence:
            keys = ranks[r]
            target = {k: (sum(place[n] for n in neighbours[k]) / len(neighbours[k]) if neighbours[k] else place[k])
                      for k in keys}
            keys.sort(key=lambda k: target[k])
            for index, key in enumerate(keys):
                place[key] = index - (len(keys) - 1) / 2.0
    return rank, place, paths


def _draw(boxes, rank, place, paths, rankdir, dpi):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch, Rectangle

    box_w = max(len(line) for box in boxes.values() for line in box.lines) * _CHAR_W + 2 * _PAD
    box_h = max(len(box.lines) for box in boxes.values()) * _LINE_H + 2 * _PAD
    step_across, step_along = box_w + 0.5, box_h + 0.6
    if rankdir == "LR":
        step_across, step_along = box_h + 0.4, box_w + 0.8
    centre = {}
    for key in rank:
        across, along = place[key] * step_across, rank[key] * step_along
        centre[key] = (along, -across) if rankdir == "LR" else (across, -along)
    xs, ys = [c[0] for c in centre.values()], [c[1] for c in centre.values()]
    width = max(xs) - min(xs) + box_w + 1.0
    height = max(ys) - min(ys) + box_h + 1.0
    if max(width, height) * dpi > _MAX_PIXELS:
        warnings.warn(f"plot_model: the graph is large; drawing it at {int(_MAX_PIXELS / max(width, height))} dpi "
                      f"instead of {dpi} to stay under {_MAX_PIXELS} pixels", stacklevel=3)
        dpi = _MAX_PIXELS / max(width, height)
    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(min(xs) - box_w / 2 - 0.5, max(xs) + box_w / 2 + 0.5)
    axes.set_ylim(min(ys) - box_h / 2 - 0.5, max(ys) + box_h / 2 + 0.5)
    axes.set_axis_off()
    frames = {}
    for key, box in boxes.items():
        frame = box.cluster
        while frame is not None:
            frames.setdefault(frame, []).append(centre[key])
            frame = frame[1]
    for (title, _), points in frames.items():
        left = min(p[0] for p in points) - box_w / 2 - 0.2
        bottom = min(p[1] for p in points) - box_h / 2 - 0.2
        right = max(p[0] for p in points) + box_w / 2 + 0.2
        top = max(p[1] for p in points) + box_h / 2 + 0.2
        axes.add_patch(Rectangle((left, bottom), right - left, top - bottom, fill=False, linestyle="--",
                                 edgecolor="grey"))
        axes.text(left + 0.05, top + 0.05, title, fontsize=8, color="grey", va="bottom")
    exit_offset, entry_offset = ((box_w / 2, 0), (-box_w / 2, 0)) if rankdir == "LR" else ((0, -box_h / 2),
                                                                                            (0, box_h / 2))
    for path in paths:
        points = [centre[key] for key in path]
        points[0] = (points[0][0] + exit_offset[0], points[0][1] + exit_offset[1])
        points[-1] = (points[-1][0] + entry_offset[0], points[-1][1] + entry_offset[1])
        if len(points) > 2:
            axes.plot([p[0] for p in points[:-1]], [p[1] for p in points[:-1]], color="#555555", lw=1)
        axes.annotate("", xy=points[-1], xytext=points[-2],
                      arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1, "shrinkA": 0})
    for key, box in boxes.items():
        x, y = centre[key]
        axes.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h,
                                      boxstyle="round,pad=0,rounding_size=0.08", facecolor="#eef2f8",
                                      edgecolor="#334466"))
        axes.text(x, y, "\n".join(box.lines), ha="center", va="center", fontsize=9, family="monospace")
    return figure


def _dot_source(boxes, edges, rankdir, dpi):
    def quote(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["digraph G {", f"  rankdir={rankdir};", f"  dpi={dpi};", "  concentrate=true;",
             '  node [shape=record, fontname="Helvetica"];']
    for key, box in boxes.items():
        lines.append(f"  {quote(key)} [label={quote(' | '.join(box.lines).replace('{', '(').replace('}', ')'))}];")
    lines.extend(f"  {quote(start)} -> {quote(end)};" for start, end in edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _options(show_shapes, show_dtype, show_layer_names, expand_nested, show_layer_activations, show_trainable,
             rankdir, dpi, function):
    if rankdir not in RANKDIRS:
        raise ValueError(f"{function}: rankdir must be one of {RANKDIRS}; received rankdir={rankdir!r}")
    if not isinstance(dpi, (int, float)) or dpi <= 0:
        raise ValueError(f"{function}: dpi must be a positive number; received dpi={dpi!r}")
    return {"show_shapes": show_shapes, "show_dtype": show_dtype, "show_layer_names": show_layer_names,
            "expand_nested": expand_nested, "show_layer_activations": show_layer_activations,
            "show_trainable": show_trainable}


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False, show_trainable=False,
                 **kwargs):
    """The model's graph as a ``pydot.Dot`` (Keras's ``model_to_dot``); needs ``pip install pydot``.

    Without pydot, use ``plot_model(model, "model.dot")`` for the Graphviz source, or
    ``plot_model(model, "model.png")`` for a picture drawn by matplotlib.

    Example:
        >>> from lamina import layers, models
        >>> model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
        >>> try:
        ...     dot = model_to_dot(model)
        ... except ImportError as error:
        ...     print("pydot" in str(error))
        ... else:
        ...     print(type(dot).__name__ == "Dot")
        True
    """
    kwargs.pop("splines", None)
    if kwargs:
        raise TypeError(f"model_to_dot: unexpected keyword arguments {sorted(kwargs)}")
    options = _options(show_shapes, show_dtype, show_layer_names, expand_nested, show_layer_activations,
                       show_trainable, rankdir, dpi, "model_to_dot")
    try:
        import pydot
    except ImportError as error:
        raise ImportError("model_to_dot returns a pydot graph and needs pydot (`pip install pydot`, plus Graphviz "
                          "to render it). plot_model(model, 'model.png') draws the graph with matplotlib instead, "
                          "and plot_model(model, 'model.dot') writes its Graphviz source.") from error
    boxes, edges = _graph(model, options)
    return pydot.graph_from_dot_data(_dot_source(boxes, edges, rankdir, dpi))[0]


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=True,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Draw the model's layer graph to ``to_file`` (``.png``, ``.jpg``, ``.svg``, ``.pdf``; ``.dot`` for Graphviz).

    Args:
        model: a built functional or Sequential model.
        to_file: the file to write; its extension picks the format (none: PNG).
        show_shapes, show_dtype: add each layer's input/output shapes, output dtype.
        show_layer_names: ``"name (Class)"`` instead of the class alone (the Keras 2 default;
            Keras 3 defaults to ``False``).
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        expand_nested: draw the layers of nested models inside a dashed frame.
        dpi: resolution of raster images (lowered, with a warning, for very large graphs).
        show_layer_activations: add the activation of layers that have one.
        show_trainable: add whether each layer with weights is trainable.

    Returns:
        The path written.

    Example:
        >>> import os, tempfile
        >>> from lamina import layers, models
        >>> inputs = layers.Input((8,))
        >>> model = models.Model(inputs, layers.add([layers.Dense(8)(inputs), inputs]))
        >>> path = plot_model(model, os.path.join(tempfile.mkdtemp(), "residual.dot"))
        >>> print(open(path).read().count("->"))
        3
    """
    kwargs.pop("splines", None)
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("plot_model: layer_range is not supported (it is no longer supported by Keras 3 either)")
    if kwargs:
        raise TypeError(f"plot_model: unexpected keyword arguments {sorted(kwargs)}")
    options = _options(show_shapes, show_dtype, show_layer_names, expand_nested, show_layer_activations,
                       show_trainable, rankdir, dpi, "plot_model")
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    if extension not in FORMATS:
        raise ValueError(f"plot_model: cannot write '.{extension}' files; use one of {FORMATS}")
    boxes, edges = _graph(model, options)
    from lamina.utils.io_utils import atomic_write

    if extension == "dot":
        with atomic_write(to_file, "w") as handle:
            handle.write(_dot_source(boxes, edges, rankdir, dpi))
        return to_file
    figure = _draw(boxes, *_layout(boxes, edges), rankdir, dpi)
    with atomic_write(to_file, "wb") as handle:
        figure.savefig(handle, format="jpeg" if extension == "jpg" else extension)
    return to_file
