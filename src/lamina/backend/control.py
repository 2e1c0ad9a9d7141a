"""Keras 2's backend control flow: ``switch``, ``in_train_phase``, ``rnn``, ``map_fn``, ``foldl``/``foldr``.

``in_train_phase(x, alt)`` without ``training`` follows the learning phase of
the moment it runs: inside a model, the ``training`` flag of the model call
(``fit`` trains, ``predict`` infers, ``K.function`` uses the fed learning phase).

Example:
    >>> from lamina import backend as K
    >>> K.switch(torch.tensor([True, False]), torch.ones(2), torch.zeros(2)).tolist()
    [1.0, 0.0]
    >>> K.in_train_phase(torch.ones(1), torch.zeros(1), training=0).tolist()
    [0.0]
"""
import torch

from lamina.backend.session import current_learning_phase, is_learning_phase
from lamina.core.symbolic import KerasTensor, any_symbolic, symbolic_call
from lamina.ops.dispatch import op, to_tensor

__all__ = ["switch", "in_train_phase", "in_test_phase", "rnn", "map_fn", "foldl", "foldr"]


@op
def switch(condition, then_expression, else_expression):
    """``then_expression`` where ``condition`` is true, else ``else_expression`` (callables are called first).

    A condition of lower rank than the expressions is extended with trailing axes
    (a per-sample condition selects whole samples), as in Keras 2.

    Example:
        >>> switch(torch.tensor([True, False]), torch.ones(2, 3), torch.zeros(2, 3)).sum(dim=1).tolist()
        [3.0, 0.0]
    """
    then_value = to_tensor(then_expression() if callable(then_expression) else then_expression)
    else_value = to_tensor(else_expression() if callable(else_expression) else else_expression)
    condition = to_tensor(condition)
    if condition.dtype is not torch.bool:
        condition = condition != 0
    rank = max(then_value.dim(), else_value.dim())
    if condition.dim() > rank:
        raise ValueError(
            f"K.switch: the condition (shape {tuple(condition.shape)}) must not have a higher rank than the "
            f"expressions (shapes {tuple(then_value.shape)} and {tuple(else_value.shape)})"
        )
    if 0 < condition.dim() < rank:
        condition = condition.reshape(tuple(condition.shape) + (1,) * (rank - condition.dim()))
    return torch.where(condition, then_value, else_value)


def _by_learning_phase(x, alt):
    return x if current_learning_phase() else alt


def in_train_phase(x, alt, training=None):
    """``x`` in training, ``alt`` in inference (either may be a callable returning the tensor).

    ``training``: ``None`` (or the ``K.learning_phase()`` placeholder) follows the
    learning phase when the expression runs; a bool/0/1 decides now; a symbolic
    tensor selects per value, like :func:`switch`.

    Example:
        >>> in_train_phase(lambda: torch.ones(1), torch.zeros(1), training=True).tolist()
        [1.0]
    """
    if training is None or is_learning_phase(training):
        x = x() if callable(x) else x
        alt = alt() if callable(alt) else alt
        if any_symbolic((x, alt)):
            return symbolic_call(_by_learning_phase, (x, alt), {}, name="in_train_phase")
        return _by_learning_phase(x, alt)
    if isinstance(training, (KerasTensor, torch.Tensor)):
        return switch(training, x, alt)
    if training not in (0, 1):
        raise ValueError(f"K.in_train_phase: training must be None, 0/1, a bool or a tensor; received {training!r}")
    chosen = x if training else alt
    return chosen() if callable(chosen) else chosen


def in_test_phase(x, alt, training=None):
    """``x`` in inference, ``alt`` in training (the mirror of :func:`in_train_phase`).

    Example:
        >>> in_test_phase(torch.ones(1), torch.zeros(1), training=False).tolist()
        [1.0]
    """
    return in_train_phase(alt, x, training=training)


@op
def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False,
        input_length=None, time_major=False, zero_output_for_mask=False, return_all_outputs=True):
    """Iterate ``step_function(input_t, states) -> (output_t, new_states)`` over the time axis.

    Args:
        inputs: ``(batch, time, ...)`` (``(time, batch, ...)`` if ``time_major``).
        initial_states: list of ``(batch, ...)`` tensors.
        go_backwards: iterate from the last step (outputs are in that order).
        mask: ``(batch, time)`` booleans; at masked steps the states are carried
            over and the output repeats the previous one (zeros if
            ``zero_output_for_mask``).
        constants: extra tensors passed to every step after the states.

    Returns:
        ``(last_output, outputs, new_states)``; ``outputs`` is ``(batch, time, ...)``
        (only the last step if not ``return_all_outputs``).

    Example:
        >>> step = lambda x, states: (x + states[0], [x + states[0]])
        >>> last, outputs, states = rnn(step, torch.ones(2, 3, 1), [torch.zeros(2, 1)])
        >>> outputs[0, :, 0].tolist(), last[0].tolist()
        ([1.0, 2.0, 3.0], [3.0])
    """
    inputs = to_tensor(inputs)
    if not time_major:
        inputs = inputs.transpose(0, 1)
    states = [to_tensor(s) for s in initial_states]
    constants = list(constants or [])
    steps = range(inputs.shape[0] - 1, -1, -1) if go_backwards else range(inputs.shape[0])
    if mask is not None:
        mask = to_tensor(mask)
        mask = mask if mask.dtype is torch.bool else mask != 0
        if not time_major:
            mask = mask.transpose(0, 1)
    outputs, last = [], None
    for t in steps:
        output, new_states = step_function(inputs[t], states + constants)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if mask is not None:
            keep = mask[t]

            def select(new, old):
                return torch.where(keep.reshape((-1,) + (1,) * (new.dim() - 1)), new, old)

            previous = torch.zeros_like(output) if (last is None or zero_output_for_mask) else last
            output = select(output, previous)
            new_states = [select(new, old) for new, old in zip(new_states, states)]
        outputs.append(output)
        last, states = output, new_states
    if last is None:
        raise ValueError(f"K.rnn: inputs have no time steps (shape {tuple(inputs.shape)})")
    stacked = torch.stack(outputs if return_all_outputs else [last], dim=0)
    if not time_major:
        stacked = stacked.transpose(0, 1)
    return last, stacked, states


@op
def map_fn(fn, elems, name=None, dtype=None):
    """``fn`` applied to each slice of ``elems`` along its first axis, the results stacked.

    Example:
        >>> map_fn(lambda row: row.sum(), torch.ones(3, 2)).tolist()
        [2.0, 2.0, 2.0]
    """
    return torch.stack([to_tensor(fn(item)) for item in torch.unbind(to_tensor(elems), dim=0)])


@op
def foldl(fn, elems, initializer=None, name=None):
    """Reduce ``elems`` from the first slice: ``acc = fn(acc, elems[i])``.

    Example:
        >>> foldl(lambda acc, x: acc + x, torch.tensor([1.0, 2.0, 3.0])).item()
        6.0
    """
    items = list(torch.unbind(to_tensor(elems), dim=0))
    acc = items.pop(0) if initializer is None else initializer
    for item in items:
        acc = fn(acc, item)
    return acc


@op
def foldr(fn, elems, initializer=None, name=None):
    """Reduce ``elems`` from the last slice: ``acc = fn(acc, elems[i])`` for decreasing ``i``.

    Example:
        >>> foldr(lambda acc, x: acc * 10 + x, torch.tensor([1.0, 2.0, 3.0])).item()
        321.0
    """
    items = list(torch.unbind(to_tensor(elems), dim=0))
    acc = items.pop() if initializer is None else initializer
    for item in reversed(items):
        acc = fn(acc, item)
    return acc
