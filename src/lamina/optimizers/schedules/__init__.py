"""Learning-rate schedules (``keras.optimizers.schedules``).

Example:
    >>> from lamina.optimizers import schedules
    >>> schedule = schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.96)
    >>> type(schedules.deserialize(schedules.serialize(schedule))).__name__
    'ExponentialDecay'
"""
from lamina.core.identifiers import deserialize_object, serialize_object
from lamina.optimizers.schedules.cosine_decay import CosineDecay
from lamina.optimizers.schedules.cosine_decay_restarts import CosineDecayRestarts
from lamina.optimizers.schedules.exponential_decay import ExponentialDecay
from lamina.optimizers.schedules.inverse_time_decay import InverseTimeDecay
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from lamina.optimizers.schedules.piecewise_constant_decay import PiecewiseConstantDecay
from lamina.optimizers.schedules.polynomial_decay import PolynomialDecay

ALL_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        PiecewiseConstantDecay,
        InverseTimeDecay,
        PolynomialDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(learning_rate_schedule):
    """``{'class_name': ..., 'config': ...}`` for a schedule.

    Example:
        >>> serialize(InverseTimeDecay(0.1, 1, 0.5))["class_name"]
        'InverseTimeDecay'
    """
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise ValueError(
            f"schedules.serialize expects a LearningRateSchedule; received {learning_rate_schedule!r}"
        )
    return serialize_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """A schedule from :func:`serialize`'s output (built-in, registered or in ``custom_objects``).

    Example:
        >>> deserialize({"class_name": "CosineDecay", "config": {"initial_learning_rate": 1.0, "decay_steps": 5}}).decay_steps
        5
    """
    return deserialize_object(config, ALL_SCHEDULES, "learning rate schedule", custom_objects)


__all__ = ["LearningRateSchedule", *ALL_SCHEDULES, "serialize", "deserialize"]
