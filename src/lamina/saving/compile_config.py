"""``compile()`` arguments as data, so a loaded model is compiled the same way.

The optimizer is stored as its config (its state goes with the weights); losses
and metrics as the names the user gave, a function's name, or an object's
``{'class_name', 'config'}``. Only what can be found again by name (built-in,
registered, or passed in ``custom_objects`` when loading) is stored: when a loss
or metric cannot be, the model is saved without its compile arguments and a
warning says which one (Keras 2 did the same).

Example:
    >>> from lamina.layers import Dense
    >>> from lamina.models import Sequential
    >>> model = Sequential([Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    >>> config = serialize_compile_config(model)
    >>> config["optimizer"]["class_name"], config["loss"], config["metrics"]
    ('Adam', 'mse', ['mae'])
"""
import inspect
import warnings

from lamina import losses as losses_module
from lamina import metrics as metrics_module
from lamina import optimizers as optimizers_module
from lamina.core import registry


class _NotSerializable(Exception):
    """A compile argument that cannot be found again by name."""


def _function_value(fn, kind):
    name = getattr(fn, "__name__", None)
    if isinstance(name, str):
        registered = getattr(fn, "_registered_name", None)
        if registered and registry.lookup(registered) is fn:
            return registered
        try:
            found = (losses_module.serialization.deserialize_function(name) if kind == "loss"
                     else metrics_module.deserialize_function(name))
        except ValueError:
            found = None
        if found is fn:
            return name
    raise _NotSerializable(f"the {kind} function {fn!r} is not a built-in or registered function")


def _object_value(obj, kind):
    serialized = (losses_module.serialize(obj) if kind == "loss" else metrics_module.serialize(obj))
    name = serialized["class_name"]
    table = losses_module.ALL_LOSSES if kind == "loss" else metrics_module.ALL_METRICS
    if table.get(name) is not type(obj) and registry.lookup(name) is not type(obj):
        raise _NotSerializable(f"the {kind} {obj!r} is of class {type(obj).__name__}, which is not registered")
    from lamina.saving.serialization import json_safe

    return json_safe(serialized)


def _value(value, kind):
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_value(v, kind) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v, kind) for k, v in value.items()}
    if inspect.isclass(value):
        return value.__name__ if registry.lookup(value.__name__) is value else _function_value(value, kind)
    if hasattr(value, "get_config"):
        return _object_value(value, kind)
    if callable(value):
        return _function_value(value, kind)
    raise _NotSerializable(f"the {kind} {value!r} cannot be stored")


def serialize_compile_config(model, warn=True):
    """The model's compile arguments as JSON-safe data, or ``None`` (uncompiled, or not storable: warns).

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> serialize_compile_config(Sequential([Dense(1, input_shape=(2,))])) is None
        True
    """
    raw = model.get_compile_config() if hasattr(model, "get_compile_config") else None
    if not raw:
        return None
    optimizer = model.optimizer
    try:
        if not isinstance(optimizer, optimizers_module.Optimizer):
            raise _NotSerializable(f"the optimizer {optimizer!r} is not a lamina optimizer")
        try:
            optimizer_config = optimizers_module.serialize(optimizer)
        except ValueError as error:
            raise _NotSerializable(str(error)) from None
        config = {
            "optimizer": optimizer_config,
            "loss": _value(raw.get("loss"), "loss"),
            "loss_weights": _value(raw.get("loss_weights"), "loss"),
            "metrics": _value(raw.get("metrics"), "metric"),
            "weighted_metrics": _value(raw.get("weighted_metrics"), "metric"),
            "run_eagerly": bool(raw.get("run_eagerly", False)),
            "steps_per_execution": raw.get("steps_per_execution", 1),
            "jit_compile": raw.get("jit_compile", "auto"),
        }
    except _NotSerializable as reason:
        if warn:
            warnings.warn(
                f"Saving {model._label} without its compile() arguments: {reason}. The loaded model will not be "
                "compiled; call compile() again after loading (or register the object with "
                "lamina.saving.register_lamina_serializable).", stacklevel=4,
            )
        return None
    return config


def _function_config(value):
    """Keras 3 writes functions as ``{'class_name': 'function', 'config': name}``: use the name."""
    if isinstance(value, dict) and value.get("class_name") == "function" and isinstance(value.get("config"), str):
        return value.get("registered_name") if value.get("registered_name") not in (None, "function") else \
            value["config"]
    if isinstance(value, list):
        return [_function_config(v) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {k: _function_config(v) for k, v in value.items()}
    return value


def _objects(value, kind, custom_objects):
    if isinstance(value, list):
        return [_objects(v, kind, custom_objects) for v in value]
    if isinstance(value, dict):
        if "class_name" in value:
            if kind == "loss":
                return losses_module.deserialize(value, custom_objects)
            return metrics_module.deserialize(value, custom_objects)
        return {k: _objects(v, kind, custom_objects) for k, v in value.items()}
    return value


def deserialize_compile_config(config, custom_objects=None):
    """``compile()`` keyword arguments from :func:`serialize_compile_config`'s output (or Keras's).

    Keras 2's ``training_config`` (``optimizer_config``) is accepted too.

    Example:
        >>> kwargs = deserialize_compile_config({"optimizer": {"class_name": "SGD", "config": {}}, "loss": "mse"})
        >>> type(kwargs["optimizer"]).__name__, kwargs["loss"]
        ('SGD', 'mse')
    """
    config = dict(config)
    optimizer = config.pop("optimizer", None)
    if optimizer is None:
        optimizer = config.pop("optimizer_config", None)
    config.pop("optimizer_config", None)
    if isinstance(optimizer, dict):
        optimizer = optimizers_module.deserialize(optimizer, custom_objects)
    kwargs = {"optimizer": optimizer if optimizer is not None else "rmsprop"}
    for key in ("loss", "loss_weights"):
        if key in config:
            kwargs[key] = _objects(_function_config(config[key]), "loss", custom_objects)
    for key in ("metrics", "weighted_metrics"):
        if key in config:
            kwargs[key] = _objects(_function_config(config[key]), "metric", custom_objects)
    for key in ("run_eagerly", "steps_per_execution", "jit_compile"):
        if key in config and config[key] is not None:
            kwargs[key] = config[key]
    return kwargs
