"""What a train step needs to know about a model's weights and extra losses, kept up to date cheaply.

``model.trainable_weights`` walks the whole layer tree; a train step cannot afford
that every batch, but it must notice ``layer.trainable = False`` between two calls
(the GAN pattern). :class:`WeightState` keeps the list of all weights (refreshed when
``fit``/``train_on_batch`` starts, or after a step that built new layers) and, per
step, only compares every weight's ``requires_grad`` with the last step's: when that
changes, the trainable list is rebuilt (``Layer.trainable`` sets ``requires_grad``).
An unchanged list is the *same* list object, which lets the optimizer skip its
index lookup.

:meth:`WeightState.extra_losses` gives ``add_loss`` values and regularisation
penalties (``model.losses``) — or an empty list without walking the layers when no
layer holds an ``add_loss`` value and no trainable weight has a regularizer.

Example:
    >>> from lamina.layers import Dense
    >>> from lamina.models import Sequential
    >>> model = Sequential([Dense(2, input_shape=(3,)), Dense(1)])
    >>> state = WeightState(model)
    >>> len(state.trainable()), state.trainable() is state.trainable()
    (4, True)
    >>> model.layers[0].trainable = False
    >>> len(state.trainable())
    2
    >>> model.layers[0].trainable = True
    >>> before = state.trainable(); state.refresh(); state.trainable() is before
    True
"""
import torch

from lamina.core import tree
from lamina.core.symbolic import KerasTensor, resolve
from lamina.layers import layer as layer_module


def _evaluate_symbolic(tensor):
    """The value of a KerasTensor in the current capture scope, computing ops outside the model graph."""
    value = resolve(tensor)
    if not isinstance(value, KerasTensor):
        return value
    node = tensor.node
    if node is None or node.is_input:
        raise ValueError(
            f"add_loss: the symbolic loss {tensor!r} depends on a tensor that is not computed by the model"
        )
    args = tree.map_structure(lambda t: _evaluate_symbolic(t) if isinstance(t, KerasTensor) else t, node.call_args)
    kwargs = tree.map_structure(lambda t: _evaluate_symbolic(t) if isinstance(t, KerasTensor) else t,
                                node.call_kwargs)
    outputs = node.operation(*args, **kwargs)
    flat = tree.flatten(outputs)
    return flat[tensor._keras_history.tensor_index] if len(flat) > 1 else flat[0]


class WeightState:
    """Cached view of a model's weights for the train step (see the module docstring).

    Attributes:
        stale: set when the model was not fully built; the next step refreshes after
            its forward pass.

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> state = WeightState(Sequential([Dense(1, input_shape=(2,))]))
        >>> state.extra_losses(state.model)
        []
    """

    def __init__(self, model):
        self.model = model
        self.refresh()

    def refresh(self):
        """Re-read the model's weights (after building layers or changing the model).

        While the weights and their ``requires_grad`` flags are unchanged, :meth:`trainable`
        keeps returning the same list object (the optimizer and a compiled step rely on it).
        """
        model = self.model
        weights = list(model.weights)
        old = getattr(self, "weights", None)
        if old is None or len(old) != len(weights) or any(a is not b for a, b in zip(old, weights)):
            self.weights = weights
            self._mask = None
            self._trainable = []
            self.regularized = []
        self.constrained = [w for w in self.weights if getattr(w, "constraint", None) is not None]
        self.symbolic_losses = [t for layer in model._flatten_layers() for t in getattr(layer, "_symbolic_losses", ())]
        self.stale = not all(getattr(layer, "built", True) for layer in model._flatten_layers())
        self.trainable()

    def trainable(self):
        """The trainable weights now, in ``model.trainable_weights`` order (same object while unchanged)."""
        mask = [w.requires_grad for w in self.weights]
        if mask != self._mask:
            self._mask = mask
            if self.model.trainable:
                self._trainable = [w for w, keep in zip(self.weights, mask) if keep]
            else:
                self._trainable = []
            self.regularized = [w for w in self._trainable if getattr(w, "regularizer", None) is not None]
        return self._trainable

    def extra_losses(self, model):
        """``add_loss`` values of the last forward pass and regularisation penalties (``model.losses``)."""
        losses = []
        if layer_module._layers_holding_losses or self.regularized:
            losses = list(model.losses)
        if self.symbolic_losses:
            losses.extend(_evaluate_symbolic(t) for t in self.symbolic_losses)
        return losses

    def apply_constraints(self):
        """Project constrained weights (only needed for torch optimizers; lamina's apply them)."""
        if self.constrained:
            with torch.no_grad():
                for weight in self.constrained:
                    weight.copy_(weight.constraint(weight))
