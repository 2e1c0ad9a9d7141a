"""Element-wise merge layers: ``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum``, ``Minimum``.

Each takes a list of tensors of compatible shapes (broadcasting as NumPy) and has a
function form (``add([a, b])``) that works on eager and symbolic tensors.

Example:
    >>> add([torch.ones(2), torch.ones(2)]).tolist()
    [2.0, 2.0]
"""
import torch

from lamina.core import registry
from lamina.layers.layer import Layer


class Merge(Layer):
    """Base of the merge layers: ``call(inputs: list)`` combines the tensors pairwise.

    Example:
        >>> Maximum()([torch.tensor([1.0, 5.0]), torch.tensor([3.0, 2.0])]).tolist()
        [3.0, 5.0]
    """

    _min_inputs = 2
    _max_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check(self, shapes):
        if not isinstance(shapes, (list, tuple)) or not shapes or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"{type(self).__name__} '{self.name}' must be called on a list of tensors")
        if len(shapes) < self._min_inputs or (self._max_inputs and len(shapes) > self._max_inputs):
            expected = self._max_inputs if self._max_inputs == self._min_inputs else f"at least {self._min_inputs}"
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects {expected} inputs; received {len(shapes)}"
            )
        self._broadcast_shape(shapes)

    def _broadcast_shape(self, shapes):
        rank = max(len(s) for s in shapes)
        out = []
        for i in range(1, rank + 1):
            dims = {s[-i] for s in shapes if len(s) >= i and s[-i] is not None and s[-i] != 1}
            if len(dims) > 1:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': inputs must have compatible shapes; received "
                    f"{[tuple(s) for s in shapes]}"
                )
            known = [s[-i] for s in shapes if len(s) >= i]
            out.append(dims.pop() if dims else (1 if all(d == 1 for d in known) else None))
        return tuple(reversed(out))

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def _merge(self, inputs):
        raise NotImplementedError

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{type(self).__name__} '{self.name}' must be called on a list of tensors")
        return self._merge(list(inputs))

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return self._broadcast_shape(input_shape)

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None or not isinstance(previous_mask, (list, tuple)):
            return None
        masks = [m for m in previous_mask if m is not None]
        if not masks:
            return None
        out = masks[0]
        for m in masks[1:]:
            out = torch.logical_and(out, m)
        return out


def _reduce(op, inputs):
    out = inputs[0]
    for x in inputs[1:]:
        out = op(out, x)
    return out


@registry.register()
class Add(Merge):
    """Sum of the inputs.

    Example:
        >>> Add()([torch.ones(1), torch.ones(1)]).tolist()
        [2.0]
    """

    def _merge(self, inputs):
        return _reduce(torch.add, inputs)


@registry.register()
class Subtract(Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs).

    Example:
        >>> Subtract()([torch.ones(1), torch.ones(1)]).tolist()
        [0.0]
    """

    _max_inputs = 2

    def _merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"Subtract '{self.name}' expects exactly 2 inputs; received {len(inputs)}")
        return inputs[0] - inputs[1]


@registry.register()
class Multiply(Merge):
    """Element-wise product of the inputs.

    Example:
        >>> Multiply()([torch.tensor([2.0]), torch.tensor([3.0])]).tolist()
        [6.0]
    """

    def _merge(self, inputs):
        return _reduce(torch.mul, inputs)


@registry.register()
class Average(Merge):
    """Element-wise mean of the inputs.

    Example:
        >>> Average()([torch.tensor([2.0]), torch.tensor([4.0])]).tolist()
        [3.0]
    """

    def _merge(self, inputs):
        return _reduce(torch.add, inputs) / len(inputs)


@registry.register()
class Maximum(Merge):
    """Element-wise maximum of the inputs.

    Example:
        >>> Maximum()([torch.tensor([2.0]), torch.tensor([4.0])]).tolist()
        [4.0]
    """

    def _merge(self, inputs):
        return _reduce(torch.maximum, inputs)


@registry.register()
class Minimum(Merge):
    """Element-wise minimum of the inputs.

    Example:
        >>> Minimum()([torch.tensor([2.0]), torch.tensor([4.0])]).tolist()
        [2.0]
    """

    def _merge(self, inputs):
        return _reduce(torch.minimum, inputs)


def add(inputs, **kwargs):
    """Functional form of :class:`Add`.

    Example:
        >>> add([torch.ones(1), torch.ones(1)]).tolist()
        [2.0]
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of :class:`Subtract`.

    Example:
        >>> subtract([torch.ones(1), torch.ones(1)]).tolist()
        [0.0]
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of :class:`Multiply`.

    Example:
        >>> multiply([torch.ones(1) * 2, torch.ones(1) * 3]).tolist()
        [6.0]
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of :class:`Average`.

    Example:
        >>> average([torch.zeros(1), torch.ones(1) * 2]).tolist()
        [1.0]
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of :class:`Maximum`.

    Example:
        >>> maximum([torch.zeros(1), torch.ones(1)]).tolist()
        [1.0]
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of :class:`Minimum`.

    Example:
        >>> minimum([torch.zeros(1), torch.ones(1)]).tolist()
        [0.0]
    """
    return Minimum(**kwargs)(inputs)
