"""``K.function(inputs, outputs, updates=None)``: a callable that evaluates symbolic tensors of a graph.

``inputs`` are symbolic tensors to feed: model inputs, intermediate layer
outputs (their value is then taken from the feed, not computed), and
optionally ``K.learning_phase()`` (the fed value, 0 or 1, is the ``training``
flag of every layer in the run; without it layers run as in inference, or as
``K.set_learning_phase`` says). ``outputs`` are any symbolic tensors computable
from ``inputs`` (the inputs themselves, layer outputs, losses, ``K.gradients``).
Calling the function with a list of arrays returns a list of NumPy arrays.

Example:
    >>> from lamina import backend as K
    >>> from lamina.layers import Dense, Dropout, Input
    >>> x = Input((4,)); h = Dense(3)(x); y = Dropout(0.5)(h)
    >>> f = K.function([x, K.learning_phase()], [h, y])
    >>> h_value, y_value = f([np.ones((2, 4)), 0])
    >>> bool(np.allclose(h_value, y_value))  # inference: dropout is the identity
    True
"""
import numpy as np
import torch

from lamina.backend.gradients import GradientsOp
from lamina.backend.session import current_learning_phase, is_learning_phase, learning_phase, training_scope
from lamina.core.dtypes import to_torch_dtype
from lamina.core.symbolic import KerasTensor
from lamina.core.tensors import convert_to_numpy, convert_to_tensor
from lamina.models.graph import GraphError, GraphProgram

__all__ = ["function", "Function"]


def _name_of(tensor):
    history = tensor._keras_history
    if history is not None:
        return history.operation.name
    return tensor.name or "?"


class Function:
    """The callable returned by :func:`function`.

    Example:
        >>> from lamina.layers import Input
        >>> x = Input((2,))
        >>> Function([x], [x * 2])([np.ones((1, 2))])[0].tolist()
        [[2.0, 2.0]]
    """

    def __init__(self, inputs, outputs, updates=None, name=None):
        self.name = name
        self._single_output = not isinstance(outputs, (list, tuple))
        self.inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        self.outputs = [outputs] if self._single_output else list(outputs)
        for index, tensor in enumerate(self.inputs):
            if not isinstance(tensor, KerasTensor):
                raise TypeError(
                    f"K.function: inputs[{index}] must be a symbolic tensor (Input, a layer output, "
                    f"K.learning_phase()); received {type(tensor).__name__}"
                )
        self._updates = self._check_updates(updates)
        self._phase_index = next((i for i, t in enumerate(self.inputs) if is_learning_phase(t)), None)
        graph_inputs = [t for t in self.inputs if not is_learning_phase(t)] + [learning_phase()]
        symbolic = [t for t in self.outputs if isinstance(t, KerasTensor)]
        symbolic += [value for _, value in self._updates if isinstance(value, KerasTensor)]
        try:
            self._program = GraphProgram(graph_inputs, symbolic)
        except GraphError as error:
            raise ValueError(
                f"K.function: an output cannot be computed from the given inputs "
                f"{[_name_of(t) for t in graph_inputs[:-1]]}: {error}"
            ) from None
        self._needs_grad = any(isinstance(op, GradientsOp) for op in self._program.operations)

    @staticmethod
    def _check_updates(updates):
        pairs = []
        for index, update in enumerate(updates or []):
            if not (isinstance(update, (list, tuple)) and len(update) == 2 and isinstance(update[0], torch.Tensor)):
                raise TypeError(
                    f"K.function: updates[{index}] must be a (variable, new_value) pair; received {update!r}"
                )
            pairs.append(tuple(update))
        return pairs

    def _feed(self, index, spec, value):
        dtype = to_torch_dtype(spec.dtype)
        if isinstance(value, torch.Tensor):
            tensor = value.to(dtype) if value.dtype != dtype else value
        else:
            tensor = convert_to_tensor(np.asarray(value), dtype=dtype)
        expected = spec.shape
        if tensor.dim() != len(expected) or any(
            want is not None and got != want for got, want in zip(tensor.shape, expected)
        ):
            hint = ""
            if tensor.dim() == len(expected) - 1:
                hint = " The batch axis seems to be missing: feed x[None] or a slice such as x[i:i + 1]."
            raise ValueError(
                f"K.function: input {index} ({_name_of(spec)!r}) expects an array of shape {expected} "
                f"(rank {len(expected)}), but received an array of shape {tuple(tensor.shape)} "
                f"(rank {tensor.dim()}).{hint}"
            )
        if self._needs_grad and tensor.is_floating_point():
            tensor = tensor.detach().requires_grad_()
        return tensor

    def __call__(self, inputs):
        if isinstance(inputs, dict):
            names = [_name_of(t) for t in self.inputs]
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f"K.function: missing values for inputs {missing}; received keys {sorted(inputs)}")
            inputs = [inputs[n] for n in names]
        elif not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        if len(inputs) != len(self.inputs):
            raise ValueError(
                f"K.function: expected {len(self.inputs)} input values (for {[_name_of(t) for t in self.inputs]}); "
                f"received {len(inputs)}"
            )
        training = current_learning_phase()
        feeds = []
        for index, (spec, value) in enumerate(zip(self.inputs, inputs)):
            if index == self._phase_index:
                training = bool(np.asarray(convert_to_numpy(value)).item())
            else:
                feeds.append(self._feed(index, spec, value))
        feeds.append(torch.tensor(training))
        grad_mode = torch.enable_grad() if self._needs_grad else torch.no_grad()
        with training_scope(training), grad_mode:
            values = self._program.run(feeds)
        computed = {id(t): v for t, v in zip(self._program.outputs, values)}
        for variable, new_value in self._updates:
            variable.assign(computed[id(new_value)] if isinstance(new_value, KerasTensor) else new_value)
        results = [convert_to_numpy(computed[id(t)] if isinstance(t, KerasTensor) else t) for t in self.outputs]
        return results[0] if self._single_output else results


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """A callable ``f(list_of_arrays) -> list_of_arrays`` evaluating ``outputs`` from fed ``inputs``.

    ``updates``: ``(variable, new_value)`` pairs assigned after each call.

    Example:
        >>> from lamina.layers import Input
        >>> x = Input((3,))
        >>> function([x], [x + 1])([np.zeros((1, 3))])[0].tolist()
        [[1.0, 1.0, 1.0]]
    """
    if kwargs:
        raise ValueError(f"K.function: unknown arguments {sorted(kwargs)}; expected inputs, outputs, updates, name")
    return Function(inputs, outputs, updates=updates, name=name)
