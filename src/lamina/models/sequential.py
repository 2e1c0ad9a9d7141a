"""``Sequential``: a plain stack of layers, each feeding the next.

Layers are registered as children ``0``, ``1``, ... (like ``torch.nn.Sequential``),
so two identical models always have identical ``state_dict`` keys. As soon as the
input shape is known (``input_shape=`` on the first layer, an ``Input``, ``build``
or the first call), the model also records the symbolic graph, which gives every
layer its ``input``/``output`` and the model its ``summary``.

Example:
    >>> from lamina.layers import Dense
    >>> model = Sequential([Dense(512, activation="relu", input_shape=(784,)), Dense(10, activation="softmax")])
    >>> model.output_shape, model.count_params()
    ((None, 10), 407050)
    >>> list(model.state_dict())
    ['0.kernel', '0.bias', '1.kernel', '1.bias']
"""
import torch

from lamina.core import registry
from lamina.core.naming import unique_name
from lamina.core.symbolic import KerasTensor
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import Layer
from lamina.models.model import Model


@registry.register()
class Sequential(Model):
    """A linear stack of layers (``keras.Sequential``).

    Args:
        layers: optional list of layers (an ``Input`` or ``InputLayer`` first is allowed).
        name: the model's name.

    Example:
        >>> from lamina.layers import Dense
        >>> model = Sequential(); model.add(Dense(4, input_dim=3)); model.add(Dense(1))
        >>> [layer.name for layer in model.layers]
        ['dense', 'dense_1']
    """

    def __init__(self, layers=None, trainable=True, name=None):
        Layer.__init__(self, name=name or unique_name("sequential"), trainable=trainable)
        object.__setattr__(self, "_graph", None)
        object.__setattr__(self, "_input_layer", None)  # not a child module: it holds no weights
        self._count = 0
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    # -- structure ------------------------------------------------------------------
    @property
    def layers(self):
        return list(self._modules.values())

    def add(self, layer, rebuild=True):
        """Append a layer (or set the input with an ``Input``/``InputLayer``).

        Example:
            >>> from lamina.layers import Dense, Input
            >>> model = Sequential(); model.add(Input((3,))); model.add(Dense(2))
            >>> model.output_shape
            (None, 2)
        """
        if isinstance(layer, KerasTensor):
            history = layer._keras_history
            if history is None or not getattr(history.operation, "_is_input_layer", False):
                raise ValueError(
                    f"Sequential '{self.name}'.add: a symbolic tensor is only accepted when it comes from Input(); "
                    f"received {layer!r}"
                )
            layer = history.operation
        if isinstance(layer, InputLayer):
            if self._modules:
                raise ValueError(f"Sequential '{self.name}': an Input must come before every other layer")
            object.__setattr__(self, "_input_layer", layer)
            if rebuild:
                self._maybe_rebuild()
            return
        if isinstance(layer, torch.nn.Module) and not isinstance(layer, Layer):
            from lamina.layers.core.torch_module_wrapper import TorchModuleWrapper

            layer = TorchModuleWrapper(layer)
        if not isinstance(layer, torch.nn.Module):
            raise TypeError(
                f"Sequential '{self.name}'.add expects a layer (a lamina Layer or torch.nn.Module); "
                f"received {type(layer).__name__}: {layer!r}"
            )
        name = getattr(layer, "name", None)
        if name is not None and any(getattr(l, "name", None) == name for l in self._modules.values()):
            raise ValueError(
                f"Sequential '{self.name}': a layer named {name!r} is already in the model; "
                "layer names must be unique within a model."
            )
        if not self._modules and self._input_layer is None:
            known = _known_input(layer)
            if known is not None:
                object.__setattr__(self, "_input_layer", InputLayer(batch_shape=known[0], dtype=known[1]))
        self.add_module(str(self._count), layer)
        self._count += 1
        self.built = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Remove and return the last layer.

        Example:
            >>> from lamina.layers import Dense
            >>> model = Sequential([Dense(2, input_shape=(3,)), Dense(1)])
            >>> model.pop().name, model.output_shape
            ('dense_1', (None, 2))
        """
        if not self._modules:
            raise IndexError(f"Sequential '{self.name}' has no layers to pop")
        key = next(reversed(self._modules))
        layer = self._modules.pop(key)
        self._count -= 1
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        if self._input_layer is not None and self._modules:
            self._build_graph(self._input_layer.output)

    def _build_graph(self, inputs):
        x = inputs
        self._forget_graph()
        for layer in self._modules.values():
            x = layer(x)
        from lamina.models.functional import Functional

        object.__setattr__(self, "_graph", Functional(inputs, x, name=f"{self.name}_graph"))
        self.built = True

    def _forget_graph(self):
        """Drop the nodes of the previous graph, so ``layer.output`` always refers to the current one."""
        graph = self._graph
        if graph is None:
            return
        for node in reversed(graph._program.nodes):
            owner = node.operation._inbound_nodes
            if owner and owner[-1] is node:
                owner.pop()
                for tensor in node.input_tensors:
                    history = tensor._keras_history
                    if history is not None and node in history.operation._outbound_nodes:
                        history.operation._outbound_nodes.remove(node)
        object.__setattr__(self, "_graph", None)

    def build(self, input_shape=None):
        """Build from ``input_shape`` (batch axis included), as Keras's ``model.build((None, 784))``.

        Example:
            >>> from lamina.layers import Dense
            >>> model = Sequential([Dense(3)]); model.build((None, 5)); model.count_params()
            18
        """
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(
                    f"Sequential '{self.name}' cannot be built without an input shape: pass input_shape= to the "
                    "first layer, start with an Input, or call build((None, ...))"
                )
            self._maybe_rebuild()
            return
        # as Keras: the input dtype is the one the first layer asks for (Embedding: int32), else floatx
        first = next(iter(self._modules.values()), None)
        object.__setattr__(self, "_input_layer", InputLayer(batch_shape=(None,) + tuple(input_shape)[1:],
                                                            dtype=getattr(first, "_input_dtype", None)))
        self._maybe_rebuild()

    # -- running ----------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        graph = self._graph
        if graph is not None and isinstance(inputs, torch.Tensor):
            inputs = graph._standardize_input(0, inputs)  # the Input's dtype and rank, as a functional model
        x = inputs
        for layer in self._modules.values():
            x = layer(x)
        return x

    def compute_output_spec(self, *args, **kwargs):
        inputs = args[0] if args else kwargs.get("inputs")
        graph = self._graph
        if graph is not None and isinstance(inputs, KerasTensor) and inputs.shape[1:] == graph.inputs[0].shape[1:]:
            return graph.compute_output_spec(inputs)
        return super().compute_output_spec(*args, **kwargs)

    # -- graph views ------------------------------------------------------------------
    def _require_graph(self, what):
        if self._graph is None:
            raise AttributeError(
                f"Sequential '{self.name}' has no defined {what} yet: its input shape is unknown. Give the first "
                "layer input_shape=..., start with an Input, call build(), or call the model on data."
            )
        return self._graph

    @property
    def inputs(self):
        return self._require_graph("inputs").inputs

    @property
    def outputs(self):
        return self._require_graph("outputs").outputs

    @property
    def input(self):
        return self._require_graph("input").input

    @property
    def output(self):
        return self._require_graph("output").output

    @property
    def input_shape(self):
        return self._require_graph("input shape").input_shape

    @property
    def output_shape(self):
        return self._require_graph("output shape").output_shape

    @property
    def input_names(self):
        return self._require_graph("inputs").input_names

    @property
    def output_names(self):
        return [self.layers[-1].name] if self.layers else []

    def get_config(self):
        from lamina.layers import serialize

        layers = []
        if self._input_layer is not None:
            layers.append(serialize(self._input_layer))
        layers.extend(serialize(layer) for layer in self.layers)
        return {"name": self.name, "trainable": self.trainable, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers import deserialize

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config.get("layers", []):
            model.add(deserialize(layer_config, custom_objects=custom_objects), rebuild=False)
        model._maybe_rebuild()
        return model


def _known_input(layer):
    """``(batch_shape, dtype)`` a first layer declares (``input_shape=`` or, for a model, its Input), else None."""
    if getattr(layer, "_input_shape_arg", None) is not None:
        return (layer._batch_size_arg,) + tuple(layer._input_shape_arg), getattr(layer, "_input_dtype", None)
    if isinstance(layer, Model):
        try:
            inputs = layer.inputs
        except (AttributeError, ValueError):
            return None
        if len(inputs) == 1:
            return inputs[0].shape, inputs[0].dtype
    return None
