"""``K.gradients(loss, variables)``: gradients as symbolic tensors of a graph, or eagerly.

On symbolic tensors, ``gradients`` adds one graph node whose inputs are the
loss and the tensors to differentiate with respect to (model inputs,
intermediate layer outputs, or weights) and whose outputs are the gradients,
of the same shapes. When the graph runs (``K.function``, a functional model),
the node calls torch autograd on the values of that run. A gradient with
respect to a symbolic tensor the loss does not depend on is zeros; a value
that autograd did not track (a model input fed without ``requires_grad``, a
frozen weight) is an error, never a silent zero. ``K.function`` tracks the
inputs it is fed whenever its graph holds gradients.

Gradients of expressions that contain gradients (second derivatives) work:
the inner gradient node then keeps its autograd graph.

Example:
    >>> from lamina import backend as K
    >>> from lamina.layers import Input
    >>> x = Input((2,))
    >>> loss = K.sum(K.square(x))
    >>> grad = K.gradients(loss, x)[0]
    >>> K.function([x], [grad])([np.array([[1.0, -2.0]])])[0].tolist()
    [[2.0, -4.0]]
"""
import numpy as np  # noqa: F401  (used by the examples)
import torch

from lamina.core.dtypes import dtype_name
from lamina.core.naming import unique_name
from lamina.core.symbolic import KerasTensor, Node, Operation

__all__ = ["gradients", "GradientsOp"]


class GradientsOp(Operation):
    """The graph operation behind :func:`gradients`: ``op(loss, *sources) -> [d loss / d source, ...]``.

    Example:
        >>> op = GradientsOp()
        >>> w = torch.tensor([3.0], requires_grad=True)
        >>> op((w * w).sum(), w)[0].tolist()
        [6.0]
    """

    def __init__(self, connected=None):
        super().__init__(unique_name("gradients"))
        self.create_graph = False  # set when another gradient is taken through this one
        self.connected = connected  # per source: False if the loss cannot depend on it (then its gradient is 0)

    def __call__(self, loss, *sources):
        if not torch.is_grad_enabled():
            raise RuntimeError(
                f"K.gradients: the graph holding '{self.name}' ran without autograd (inside torch.no_grad(), "
                "e.g. in Model.predict); evaluate gradients with K.function([inputs], [gradients])"
            )
        if not isinstance(loss, torch.Tensor):
            raise TypeError(f"K.gradients: the loss must be a tensor; received {type(loss).__name__}")
        wanted = []
        for i, source in enumerate(sources):
            if isinstance(source, torch.Tensor) and source.requires_grad:
                wanted.append(i)
            elif self.connected is None or self.connected[i]:
                raise RuntimeError(
                    f"K.gradients: cannot differentiate with respect to variables[{i}] (shape "
                    f"{tuple(source.shape)}): its value was computed without autograd tracking (an input fed "
                    "without requires_grad=True, or a weight that is not trainable). Evaluate the gradients with "
                    "K.function, which tracks its inputs."
                )
        grads = [None] * len(sources)
        if wanted and loss.requires_grad:
            computed = torch.autograd.grad(
                loss, [sources[i] for i in wanted],
                grad_outputs=None if loss.dim() == 0 else torch.ones_like(loss),
                retain_graph=True, create_graph=self.create_graph, allow_unused=True,
            )
            for i, grad in zip(wanted, computed):
                grads[i] = grad
        return [torch.zeros_like(torch.as_tensor(s)) if g is None else g for g, s in zip(grads, sources)]


def _ancestors(loss):
    """The ids of the symbolic tensors ``loss`` is computed from; inner gradient nodes are told to keep their graph."""
    seen_nodes, tensors, stack = set(), set(), [loss]
    while stack:
        tensor = stack.pop()
        tensors.add(id(tensor))
        node = tensor.node
        if node is None or id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node.operation, GradientsOp):
            node.operation.create_graph = True
        stack.extend(node.input_tensors)
    return tensors


def _spec_of(source, index):
    if isinstance(source, KerasTensor):
        return KerasTensor(source.shape, dtype=source.dtype)
    if isinstance(source, torch.Tensor):
        return KerasTensor(tuple(source.shape), dtype=dtype_name(source.dtype))
    raise TypeError(
        f"K.gradients: variables[{index}] must be a symbolic tensor or a variable; received "
        f"{type(source).__name__}: {source!r}"
    )


def gradients(loss, variables):
    """Gradients of ``loss`` (summed if not a scalar) with respect to each of ``variables``; returns a list.

    Symbolic ``loss``: symbolic gradients, to evaluate with ``K.function``.
    Eager ``loss``: computed now by autograd (``None`` where the loss does not depend on a variable).

    Example:
        >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> gradients((w ** 2).sum(), [w])[0].tolist()
        [2.0, 4.0]
    """
    sources = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    if isinstance(loss, KerasTensor):
        outputs = [_spec_of(source, i) for i, source in enumerate(sources)]
        ancestors = _ancestors(loss)
        connected = [not isinstance(s, KerasTensor) or id(s) in ancestors for s in sources]
        Node(GradientsOp(connected), (loss, *sources), {}, outputs)
        return outputs
    if any(isinstance(s, KerasTensor) for s in sources):
        raise TypeError(
            "K.gradients: the loss is an eager tensor but some variables are symbolic; build the loss from the "
            "same symbolic tensors (layer outputs, model inputs)"
        )
    if not isinstance(loss, torch.Tensor):
        raise TypeError(f"K.gradients: the loss must be a tensor; received {type(loss).__name__}: {loss!r}")
    wanted = [s for s in sources if isinstance(s, torch.Tensor) and s.requires_grad]
    grads = {}
    if wanted and loss.requires_grad:
        computed = torch.autograd.grad(loss, wanted, grad_outputs=None if loss.dim() == 0 else torch.ones_like(loss),
                                       retain_graph=True, allow_unused=True)
        grads = {id(s): g for s, g in zip(wanted, computed)}
    return [grads.get(id(s)) for s in sources]
