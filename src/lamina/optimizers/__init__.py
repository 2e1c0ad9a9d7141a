"""Optimizers (``keras.optimizers``) with Keras's update rules, vectorised with torch foreach ops.

Example:
    >>> from lamina import optimizers
    >>> type(optimizers.get("rmsprop")).__name__
    'RMSprop'
    >>> optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.1}}).get_config()["learning_rate"]
    0.10000000149011612
"""
import torch

from lamina.core.identifiers import deserialize_object, lookup_name, serialize_object
from lamina.optimizers import schedules
from lamina.optimizers.adadelta import Adadelta
from lamina.optimizers.adagrad import Adagrad
from lamina.optimizers.adam import Adam
from lamina.optimizers.adamax import Adamax
from lamina.optimizers.adamw import AdamW
from lamina.optimizers.ftrl import Ftrl
from lamina.optimizers.lion import Lion
from lamina.optimizers.nadam import Nadam
from lamina.optimizers.optimizer import Optimizer
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.sgd import SGD

ALL_OPTIMIZERS = {
    cls.__name__.lower(): cls for cls in (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion)
}


def _builtin(name, custom_objects=None):
    """The built-in optimizer class called ``name`` (any case), else a registered/custom class."""
    if isinstance(name, str) and name.lower() in ALL_OPTIMIZERS:
        return ALL_OPTIMIZERS[name.lower()]
    return lookup_name(name, ALL_OPTIMIZERS, "optimizer", custom_objects)


def serialize(optimizer):
    """``{'class_name': ..., 'config': ...}`` for an optimizer (its hyper-parameters, not its state).

    Example:
        >>> serialize(SGD(momentum=0.5))["config"]["momentum"]
        0.5
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizers.serialize expects a lamina Optimizer; received {optimizer!r}")
    return serialize_object(optimizer)


def deserialize(config, custom_objects=None):
    """An optimizer from :func:`serialize`'s output; class names are matched case-insensitively.

    Example:
        >>> deserialize({"class_name": "adam", "config": {"learning_rate": 0.01}}).beta_1
        0.9
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Cannot deserialize optimizer from {config!r}: expected a dict with 'class_name' and 'config'")
    cls = _builtin(config["class_name"], custom_objects)
    table = {config["class_name"]: cls}
    return deserialize_object(config, table, "optimizer", custom_objects)


def get(identifier):
    """An optimizer from a name (``'adam'``), a class, a config dict or an instance.

    Strings build the optimizer with its defaults; torch optimizers are returned
    unchanged (the training loop drives them through ``step()``/``zero_grad()``).

    Example:
        >>> get("Adam").get_config()["learning_rate"]
        0.0010000000474974513
        >>> get("adamm")
        Traceback (most recent call last):
        ...
        ValueError: Unknown optimizer: 'adamm'. Valid names are: 'adadelta', 'adagrad', 'adam', 'adamax', 'adamw', 'ftrl', 'lion', 'nadam', 'rmsprop', 'sgd'.
    """
    if identifier is None or isinstance(identifier, (Optimizer, torch.optim.Optimizer)):
        return identifier
    if isinstance(identifier, str):
        return _builtin(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(
        f"Could not interpret optimizer identifier {identifier!r}: expected an optimizer name "
        f"({', '.join(sorted(ALL_OPTIMIZERS))}), a config dict, an Optimizer or a torch.optim.Optimizer"
    )


__all__ = [
    "Optimizer",
    "SGD",
    "RMSprop",
    "Adam",
    "AdamW",
    "Adagrad",
    "Adadelta",
    "Adamax",
    "Nadam",
    "Ftrl",
    "Lion",
    "schedules",
    "get",
    "serialize",
    "deserialize",
]
