"""Building a model from an untrusted config, and restoring its state, the same way for every file format.

:func:`build_model` turns a ``{'class_name', 'config'}`` dict into a model inside a
:func:`~lamina.saving.serialization.load_scope` (``safe_mode``, ``custom_objects``)
and :func:`~lamina.saving.guards.build_guards` (weights capped at what the file
stores), and turns every failure into a :class:`LoadError`. The restore helpers
put weights and optimizer state in place, or (for a subclassed model, whose
sub-layers only get weights on their first call) defer that to the model's first
call, before it computes anything.

Example:
    >>> model = build_model({"class_name": "Sequential", "config": {"layers": [
    ...     {"class_name": "InputLayer", "config": {"batch_shape": [None, 3]}},
    ...     {"class_name": "Dense", "config": {"units": 2}}]}}, "model.keras", weight_bytes=32)
    >>> model.output_shape
    (None, 2)
"""
import math
import warnings

from lamina.saving import limits
from lamina.saving.errors import LoadError, reraise_as_load_error
from lamina.saving.guards import build_guards
from lamina.saving.serialization import deserialize_layer, load_scope
from lamina.saving.tensor_store import model_state


def _check_inputs(config, label, depth=0):
    """Refuse ``InputLayer`` shapes whose known dimensions alone exceed :data:`limits.MAX_INPUT_ELEMENTS`."""
    if depth > limits.MAX_JSON_DEPTH:
        raise LoadError(f"{label}: the config is nested too deeply")
    if isinstance(config, dict):
        if config.get("class_name") == "InputLayer" and isinstance(config.get("config"), dict):
            inner = config["config"]
            shape = inner.get("batch_shape") or inner.get("batch_input_shape") or inner.get("shape") or []
            if isinstance(shape, list):
                known = [d for d in shape if isinstance(d, int)]
                if any(d < 0 for d in known) or math.prod(known) > limits.MAX_INPUT_ELEMENTS:
                    raise LoadError(f"{label}: input {inner.get('name')!r} declares shape {shape}, beyond the limit "
                                    f"of {limits.MAX_INPUT_ELEMENTS} elements per sample")
        for value in config.values():
            _check_inputs(value, label, depth + 1)
    elif isinstance(config, list):
        for value in config:
            _check_inputs(value, label, depth + 1)


def build_model(config, label, weight_bytes=None, custom_objects=None, safe_mode=True):
    """A model from its config dict; weights created may not exceed ``weight_bytes`` (plus a little slack).

    With ``weight_bytes`` (a file that stores the weights) the weights start as zeros,
    since the file's values replace them; without it they are initialised as usual.

    Example:
        >>> build_model({"class_name": "NoSuchLayer", "config": {}}, "m.keras")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: m.keras: unknown layer class 'NoSuchLayer'. ...
    """
    from lamina.layers.layer import Layer

    if not isinstance(config, dict):
        raise LoadError(f"{label}: the model config must be a dict; found {type(config).__name__}")
    budget = limits.MAX_WEIGHTS_WITHOUT_FILE if weight_bytes is None else weight_bytes + limits.WEIGHT_SLACK_BYTES
    _check_inputs(config, label)
    guards = build_guards(budget, label, skip_initializers=weight_bytes is not None)
    with load_scope(safe_mode, custom_objects), guards, reraise_as_load_error(label):
        model = deserialize_layer(config, what=label)
        if not isinstance(model, Layer):
            raise LoadError(f"{label}: the config describes a {type(model).__name__}, not a model")
        build_config = config.get("build_config")
        shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
        if shape is not None and not fully_built(model):
            model.build(_as_shape(shape))
    return model


def _as_shape(shape):
    if isinstance(shape, list) and shape and all(isinstance(s, list) for s in shape):
        return [tuple(s) for s in shape]
    return tuple(shape)


def fully_built(model):
    """True once every layer of ``model`` has its weights (a subclassed model gets them on its first call)."""
    return all(getattr(layer, "built", True) for layer in model._flatten_layers())


def restore_optimizer(model, values, variable_keys, label, strict=True):
    """Build the model's optimizer on its weights and load ``values`` (``{'0': tensor, ...}``) into it.

    ``variable_keys`` (structural names) say which weights the optimizer was built
    with; without them, the model's trainable weights are used (Keras's rule).
    With ``strict=False`` a mismatch only warns (files written by Keras).
    """
    from lamina.optimizers import Optimizer

    optimizer = getattr(model, "optimizer", None)
    if not isinstance(optimizer, Optimizer) or not values:
        return
    state = model_state(model)
    if variable_keys is not None:
        missing = [k for k in variable_keys if k not in state]
        if missing:
            raise LoadError(f"{label}: the optimizer state refers to weights the model lacks: {missing[:5]}")
        variables = [state[k] for k in variable_keys]
    else:
        variables = model.trainable_weights
    try:
        with reraise_as_load_error(f"{label}: optimizer state"):
            if not optimizer.built:
                optimizer.build(variables)
            optimizer.load_own_variables(values)
    except LoadError as error:
        if strict:
            raise
        warnings.warn(f"{error}. The optimizer starts from a fresh state.", stacklevel=3)


def restore_later(model, restore):
    """Call ``restore()`` on the model's first call (after its sub-layers are built, before it computes).

    Used for subclassed models, whose weights exist only once they know their input
    shape. Calling ``model.build(input_shape)`` also triggers the restore.
    """
    def hook(module, args, kwargs=None):
        if not fully_built(model) or any(t.is_meta for t in model_state(model).values()):
            return None
        handle.remove()
        restore()
        return None

    handle = model.register_forward_pre_hook(hook)
    return handle
