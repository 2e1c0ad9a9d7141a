"""Functional models: ``Model(inputs, outputs)`` over a graph of layer calls.

The graph is ordered once, at construction, into a straight list of steps
(:class:`lamina.models.graph.GraphProgram`); calling the model runs those steps.

Example:
    >>> from lamina.layers import Dense, Input, concatenate
    >>> a, b = Input((3,), name="a"), Input((2,), name="b")
    >>> model = Model([a, b], Dense(1)(concatenate([a, b])))
    >>> model({"a": torch.ones(4, 3), "b": torch.ones(4, 2)}).shape
    torch.Size([4, 1])
"""
import warnings

import numpy as np
import torch

from lamina.core import registry, tree
from lamina.core.dtypes import STRING, to_torch_dtype
from lamina.core.naming import unique_name
from lamina.core.symbolic import KerasTensor, capturing, publish
from lamina.core.tensors import convert_to_tensor
from lamina.layers.layer import Layer
from lamina.models.graph import GraphProgram
from lamina.models.model import Model


def _check_structure(structure, what, model_name):
    for leaf in tree.flatten(structure):
        if not isinstance(leaf, KerasTensor):
            raise ValueError(
                f"Model '{model_name}': all {what} must be symbolic tensors (from Input or layer calls); "
                f"received {type(leaf).__name__}: {leaf!r}"
            )


@registry.register()
class Functional(Model):
    """A model defined by symbolic ``inputs`` and ``outputs`` (lists, dicts or single tensors).

    Example:
        >>> from lamina.layers import Dense, Input
        >>> x = Input((4,)); h = Dense(3)(x)
        >>> features = Model(x, [h, Dense(1)(h)])
        >>> [tuple(t.shape) for t in features(torch.ones(2, 4))]
        [(2, 3), (2, 1)]
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Layer.__init__(self, name=name or unique_name("functional"), trainable=trainable, **kwargs)
        if isinstance(inputs, tuple):
            inputs = list(inputs)
        if isinstance(outputs, tuple):
            outputs = list(outputs)
        _check_structure(inputs, "inputs", self.name)
        _check_structure(outputs, "outputs", self.name)
        self._input_structure = inputs
        self._output_structure = outputs
        self._program = GraphProgram(tree.flatten(inputs), tree.flatten(outputs))
        layers = [op for op in self._program.operations if isinstance(op, torch.nn.Module)]
        names = {}
        for layer in layers:
            if layer.name in names and names[layer.name] is not layer:
                raise ValueError(
                    f"Model '{self.name}': two different layers are named {layer.name!r} "
                    f"({type(names[layer.name]).__name__} and {type(layer).__name__}); layer names must be unique "
                    "within a model."
                )
            names[layer.name] = layer
        for index, layer in enumerate(layers):
            self.add_module(str(index), layer)
        object.__setattr__(self, "_operations", self._program.operations)  # already registered as 0, 1, ...
        self._input_dtypes = [None if t.dtype == STRING else to_torch_dtype(t.dtype) for t in self.inputs]
        self._warned_shapes = set()
        self.built = True

    # -- structure --------------------------------------------------------------------
    @property
    def layers(self):
        return [op for op in self._operations if isinstance(op, torch.nn.Module)]

    @property
    def inputs(self):
        return tree.flatten(self._input_structure)

    @property
    def outputs(self):
        return tree.flatten(self._output_structure)

    @property
    def input(self):
        return self._input_structure

    @property
    def output(self):
        return self._output_structure

    @property
    def input_names(self):
        return [t._keras_history.operation.name if t._keras_history else t.name for t in self.inputs]

    @property
    def output_names(self):
        if isinstance(self._output_structure, dict):
            return sorted(self._output_structure)
        return [t._keras_history.operation.name for t in self.outputs]

    @property
    def input_shape(self):
        return tree.map_structure(lambda t: t.shape, self._input_structure)

    @property
    def output_shape(self):
        return tree.map_structure(lambda t: t.shape, self._output_structure)

    # -- running ----------------------------------------------------------------------
    def _flatten_inputs(self, inputs):
        structure = self._input_structure
        names = self.input_names
        if isinstance(structure, dict):
            if not isinstance(inputs, dict):
                if isinstance(inputs, (list, tuple)) and len(inputs) == len(structure):
                    return list(inputs)
                raise ValueError(
                    f"Model '{self.name}' expects a dict of inputs with keys {sorted(structure)}; "
                    f"received {type(inputs).__name__}"
                )
            missing = [k for k in sorted(structure) if k not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}': missing input(s) {missing}; received keys {sorted(inputs)}")
            return [inputs[k] for k in sorted(structure)]
        if isinstance(inputs, dict):
            if not all(name in inputs for name in names):
                raise ValueError(
                    f"Model '{self.name}': its inputs are named {names}, but received a dict with keys "
                    f"{sorted(inputs)}"
                )
            return [inputs[name] for name in names]
        if isinstance(structure, list):
            if not isinstance(inputs, (list, tuple)):
                if len(structure) == 1:
                    return [inputs]
                raise ValueError(
                    f"Model '{self.name}' expects {len(structure)} inputs {names}; received a single "
                    f"{type(inputs).__name__}"
                )
            if len(inputs) != len(structure):
                raise ValueError(
                    f"Model '{self.name}' expects {len(structure)} inputs {names}; received {len(inputs)}"
                )
            return list(inputs)
        if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
            return [inputs[0]]
        return [inputs]

    def _standardize_input(self, index, value):
        spec = self.inputs[index]
        dtype = self._input_dtypes[index]
        if dtype is None:  # a string input: text stays a NumPy array for the layer that encodes it
            value = np.asarray(value, dtype=object)
            if value.ndim == len(spec.shape) - 1 and spec.shape[-1] == 1:
                value = value[..., None]
            return value
        if not isinstance(value, torch.Tensor):
            value = convert_to_tensor(np.asarray(value) if not isinstance(value, (int, float)) else value, dtype=dtype)
        elif value.dtype != dtype:  # as Keras: data takes the dtype declared by its Input
            mask = getattr(value, "_keras_mask", None)
            value = value.to(dtype)
            if mask is not None:
                value._keras_mask = mask
        expected = spec.shape
        rank = value.dim()
        if rank != len(expected):
            if rank == len(expected) - 1 and expected[-1] == 1:
                value = value.unsqueeze(-1)
            elif rank == len(expected) + 1 and value.shape[-1] == 1:
                value = value.squeeze(-1)
            else:
                raise ValueError(
                    f"Model '{self.name}': input {index} ({self.input_names[index]!r}) expects shape {expected} "
                    f"(rank {len(expected)}), but received an array of shape {tuple(value.shape)} (rank {rank})."
                )
        if index not in self._warned_shapes:
            for got, want in zip(value.shape, expected):
                if want is not None and got != want:
                    self._warned_shapes.add(index)
                    warnings.warn(
                        f"Model '{self.name}' was built for input {self.input_names[index]!r} of shape {expected}, "
                        f"but is called on shape {tuple(value.shape)}.",
                        stacklevel=3,
                    )
                    break
        return value

    def call(self, inputs, training=None, mask=None):
        flat = self._flatten_inputs(inputs)
        values = [self._standardize_input(i, x) for i, x in enumerate(flat)]
        if capturing():
            outputs, slot_values = self._program.run(values, keep_values=True, training=training)
            program = self._program
            publish(lambda t: slot_values[program.slots[id(t)]] if id(t) in program.slots else None)
        else:
            outputs = self._program.run(values, training=training)
        return tree.pack_sequence_as(self._output_structure, outputs)

    def compute_output_spec(self, *args, **kwargs):
        inputs = args[0] if args else kwargs.get("inputs")
        try:
            flat = self._flatten_inputs(inputs)
        except ValueError:
            flat = None
        if flat is not None and all(
            isinstance(x, KerasTensor) and x.shape[1:] == spec.shape[1:] for x, spec in zip(flat, self.inputs)
        ):
            batch = flat[0].shape[0] if flat[0].shape else None
            return tree.map_structure(
                lambda t: KerasTensor((batch,) + t.shape[1:], dtype=t.dtype) if t.shape else KerasTensor((), t.dtype),
                self._output_structure,
            )
        return super().compute_output_spec(*args, **kwargs)

    def get_config(self):
        """The graph as data: each layer's class and config and how the layers connect."""
        from lamina.models.functional_config import functional_get_config

        return functional_get_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a functional model from :meth:`get_config`'s output (registered classes only)."""
        from lamina.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects=custom_objects)
