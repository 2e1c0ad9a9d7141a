"""Layers and models to configs and back, through the closed registry only.

:func:`serialize_layer` gives Keras 3's ``{'class_name', 'config'}`` form (plus
``registered_name`` for classes registered under a package). :func:`deserialize_layer`
builds a layer or model from such a dict, written by lamina or by Keras 2/3:

- the class is looked up in ``custom_objects``, then in lamina's registry
  (``registered_name`` first, then ``class_name``), never imported from a module
  named in the file; it must be a layer;
- Keras's extra keys are accepted: ``module``, ``registered_name``, ``build_config``,
  ``shared_object_id``, DTypePolicy dicts; options lamina does not implement are
  dropped when they are switched off (``None``/``False``) and refused otherwise;
- ``Sequential`` and functional models are rebuilt here, layer by layer, so the same
  rules hold at every depth; ``Lambda`` functions go through
  :mod:`~lamina.saving.function_names` (bytecode only with ``safe_mode=False``).

The ``safe_mode`` and ``custom_objects`` of the load in progress are kept in a
:func:`load_scope`; outside any load, safe mode is on.

Example:
    >>> from lamina.layers import Dense
    >>> config = serialize_layer(Dense(3, name="d"))
    >>> config["class_name"], deserialize_layer(config).units
    ('Dense', 3)
"""
import contextlib
import copy
import re
import threading

import numpy as np
import torch

from lamina.core import registry
from lamina.saving import function_names
from lamina.saving.errors import LoadError

_local = threading.local()
_unsafe_globally = False

# Keras class names that lamina spells differently
KERAS_CLASS_ALIASES = {"Model": "Functional"}
# Keras options lamina has no equivalent for; harmless when switched off
_IGNORABLE_VALUES = (None, False, 0, "", (), [], {})


def in_safe_mode():
    """True unless the load in progress passed ``safe_mode=False`` (or unsafe mode was enabled globally).

    Example:
        >>> in_safe_mode()
        True
    """
    if _unsafe_globally:
        return False
    stack = getattr(_local, "scopes", None)
    return stack[-1][0] if stack else True


def current_custom_objects():
    """The ``custom_objects`` of the load in progress (``{}`` outside a load).

    Example:
        >>> current_custom_objects()
        {}
    """
    stack = getattr(_local, "scopes", None)
    return stack[-1][1] if stack else {}


def enable_unsafe_deserialization():
    """Allow bytecode (Lambda functions) in every later load, as Keras's function of the same name.

    Prefer ``load_model(..., safe_mode=False)`` for the one file you trust.

    Example:
        >>> import lamina.saving.serialization as s
        >>> s.enable_unsafe_deserialization(); s.in_safe_mode()
        False
        >>> s._unsafe_globally = False
    """
    global _unsafe_globally
    _unsafe_globally = True


@contextlib.contextmanager
def load_scope(safe_mode=True, custom_objects=None):
    """Set ``safe_mode`` and ``custom_objects`` for everything built inside the block.

    Example:
        >>> with load_scope(safe_mode=False):
        ...     in_safe_mode()
        False
    """
    stack = getattr(_local, "scopes", None)
    if stack is None:
        stack = _local.scopes = []
    merged = dict(current_custom_objects())
    merged.update(custom_objects or {})
    stack.append((bool(safe_mode), merged))
    try:
        with registry.custom_object_scope(merged):
            yield
    finally:
        stack.pop()


# -- saving ------------------------------------------------------------------------------------


def _registered_name(cls):
    """``'package>Name'`` for classes registered under a package, else the plain registered name."""
    name = cls.__dict__.get("_registered_name") or cls.__name__  # not inherited: a subclass is its own class
    for key in registry.registered_names():
        if key.endswith(f">{name}") and registry.lookup(key) is cls:
            return key
    return name


def json_safe(value):
    """``value`` with NumPy scalars/arrays, tuples and torch sizes turned into JSON types (recursively).

    Example:
        >>> json_safe({"a": np.float32(0.5), "b": (1, 2)})
        {'a': 0.5, 'b': [1, 2]}
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, torch.dtype):
        return str(value).replace("torch.", "")
    return value


def serialize_layer(layer):
    """``{'class_name', 'config'[, 'registered_name']}`` for a layer or model (Lambda functions included).

    Example:
        >>> from lamina.layers import Lambda
        >>> serialize_layer(Lambda(torch.tanh, name="t"))["config"]["function"]
        {'class_name': 'function', 'config': 'torch.tanh'}
    """
    from lamina.layers.core.lambda_layer import Lambda
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    cls = type(layer)
    if isinstance(layer, Functional) and not _defines(cls, "get_config", Functional):
        from lamina.models.functional_config import functional_get_config

        config = functional_get_config(layer)
    elif isinstance(layer, Sequential) and not _defines(cls, "get_config", Sequential):
        config = sequential_get_config(layer)
    elif isinstance(layer, Lambda):
        config = layer.get_config()
        config["function"] = function_names.serialize_function(layer.function)
        if callable(layer._output_shape):
            config["output_shape"] = function_names.serialize_function(layer._output_shape)
        config["mask"] = function_names.serialize_function(layer.mask) if callable(layer.mask) else layer.mask
    else:
        config = layer.get_config()
    registered = _registered_name(cls)
    out = {"class_name": registered.split(">")[-1], "config": json_safe(config)}
    if ">" in registered:
        out["registered_name"] = registered
    return out


_KERAS_MODULES = (("lamina.layers", "keras.layers"), ("lamina.models", "keras.models"),
                  ("lamina.initializers", "keras.initializers"), ("lamina.regularizers", "keras.regularizers"),
                  ("lamina.constraints", "keras.constraints"), ("lamina.losses", "keras.losses"),
                  ("lamina.metrics", "keras.metrics"), ("lamina.optimizers.schedules", "keras.optimizers.schedules"),
                  ("lamina.optimizers", "keras.optimizers"))


def with_keras_modules(config, depth=0):
    """``config`` with Keras 3's ``module`` key on every nested lamina object (``'keras.layers'``...).

    Keras 3 needs it to find built-in classes named inside other configs (a
    ``Bidirectional``'s layer); lamina ignores it when loading.

    Example:
        >>> with_keras_modules({"class_name": "Dense", "config": {"units": 1}})["module"]
        'keras.layers'
    """
    if depth > 64:
        return config
    if isinstance(config, list):
        return [with_keras_modules(v, depth + 1) for v in config]
    if not isinstance(config, dict):
        return config
    out = {k: with_keras_modules(v, depth + 1) for k, v in config.items()}
    name = config.get("class_name")
    if isinstance(name, str) and "config" in config and "module" not in config:
        cls = registry.lookup(name)
        module = getattr(cls, "__module__", "") if isinstance(cls, type) else ""
        for prefix, keras_module in _KERAS_MODULES:
            if module.startswith(prefix + ".") or module == prefix:
                out = {"module": keras_module, **out}
                break
    return out


def _defines(cls, method, base):
    """True if ``cls`` overrides ``method`` below ``base`` (a user subclass with its own ``get_config``)."""
    for klass in cls.__mro__:
        if klass is base:
            return False
        if method in klass.__dict__:
            return True
    return False


def sequential_get_config(model):
    """A Sequential model's config (Keras 3 layout: the InputLayer first, then each layer).

    Example:
        >>> from lamina.models import Sequential
        >>> from lamina.layers import Dense
        >>> [l["class_name"] for l in sequential_get_config(Sequential([Dense(1, input_shape=(2,))]))["layers"]]
        ['InputLayer', 'Dense']
    """
    layers = []
    if model._input_layer is not None:
        layers.append(serialize_layer(model._input_layer))
    layers.extend(serialize_layer(layer) for layer in model.layers)
    return {"name": model.name, "trainable": model.trainable, "layers": layers}


# -- loading -------------------------------------------------------------------------------------


def _check_dict(config, what):
    if not isinstance(config, dict):
        raise LoadError(f"{what}: expected a dict with 'class_name' and 'config'; found {type(config).__name__}")
    if not isinstance(config.get("class_name"), str):
        raise LoadError(f"{what}: the entry has no 'class_name' string (keys: {sorted(map(str, config))})")


def lookup_layer_class(config, what):
    """The layer class a ``{'class_name', 'registered_name'}`` entry names (custom objects, then the registry).

    Example:
        >>> lookup_layer_class({"class_name": "Dense"}, "layer 0").__name__
        'Dense'
        >>> lookup_layer_class({"class_name": "os.system"}, "layer 0")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: layer 0: unknown layer class 'os.system'. Only lamina's registered classes and the custom_objects you pass can be loaded; register your own classes with @lamina.saving.register_lamina_serializable() or pass custom_objects={'os.system': cls}.
    """
    _check_dict(config, what)
    from lamina.layers.layer import Layer

    custom = current_custom_objects()
    name = config["class_name"]
    cls = None
    for key in (config.get("registered_name"), name, KERAS_CLASS_ALIASES.get(name)):
        if isinstance(key, str):
            cls = registry.lookup(key, custom)
            if cls is not None:
                break
    if cls is None:
        raise LoadError(
            f"{what}: unknown layer class {name!r}. Only lamina's registered classes and the custom_objects you "
            "pass can be loaded; register your own classes with @lamina.saving.register_lamina_serializable() or "
            f"pass custom_objects={{{name!r}: cls}}."
        )
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise LoadError(f"{what}: {name!r} names {cls!r}, which is not a layer")
    return cls


_UNEXPECTED = re.compile(r"unexpected keyword argument(?:\(s\))? \[?([^\]\n]+?)\]?(?:[;.]|$)")


def _unexpected_keys(error):
    """The argument names a ``TypeError`` about unexpected keyword arguments mentions."""
    match = _UNEXPECTED.search(str(error))
    if not match:
        return []
    return re.findall(r"'([A-Za-z_][A-Za-z0-9_]*)'", match.group(1))


def _ignorable(value):
    return any(value is v or (type(value) is type(v) and value == v) for v in _IGNORABLE_VALUES)


def _drop_option(config, key, what, top=True, depth=0):
    """Remove Keras option ``key`` where it is switched off: from ``config`` and the object configs nested
    in it. A switched-on option at the top raises. Returns whether anything was removed."""
    removed = False
    if key in config:
        if _ignorable(config[key]):
            del config[key]
            removed = True
        elif top:
            raise LoadError(f"{what}: option {key}={config[key]!r:.80} is not supported by lamina")
    if depth < 32:
        for value in list(config.values()):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and isinstance(item.get("config"), dict):
                    removed = _drop_option(item["config"], key, what, False, depth + 1) or removed
    return removed


def construct(cls, config, what):
    """``cls.from_config(config)``, dropping Keras options lamina lacks while they are switched off.

    Keras 3 configs carry options lamina does not implement (``quantization_config``,
    ``input_axes``...); when such an option is ``None``/``False`` it changes nothing
    and is dropped, when it is on the load fails naming it.

    Example:
        >>> from lamina.layers import Dense
        >>> construct(Dense, {"units": 2, "quantization_config": None}, "layer 'd'").units
        2
        >>> construct(Dense, {"units": 2, "lora_rank": 4}, "layer 'd'")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: layer 'd': option lora_rank=4 is not supported by lamina
    """
    from lamina.models.model import Model

    copied = False
    for _ in range(64):
        try:
            if issubclass(cls, Model):
                return cls.from_config(config, custom_objects=current_custom_objects())
            return cls.from_config(config)
        except TypeError as error:
            keys = _unexpected_keys(error)
            if not keys or not cls.__module__.startswith("lamina."):
                raise
            if not copied:
                config, copied = copy.deepcopy(config), True
            if not any([_drop_option(config, key, what) for key in keys]):
                raise
    raise LoadError(f"{what}: too many unsupported options")


def deserialize_layer(config, custom_objects=None, what=None):
    """Build a layer or model from :func:`serialize_layer`'s output (or a Keras 2/3 layer entry).

    Example:
        >>> deserialize_layer({"class_name": "Dropout", "config": {"rate": 0.5}}).rate
        0.5
    """
    if custom_objects:
        with load_scope(in_safe_mode(), custom_objects):
            return deserialize_layer(config, None, what)
    _check_dict(config, what or "layer")
    inner = config.get("config")
    if what is None:
        name = inner.get("name") if isinstance(inner, dict) else None
        what = f"layer {name!r}" if isinstance(name, str) else "layer"
    cls = lookup_layer_class(config, what)
    from lamina.layers.core.lambda_layer import Lambda
    from lamina.layers.layer import Layer
    from lamina.models.functional import Functional
    from lamina.models.model import Model
    from lamina.models.sequential import Sequential

    if issubclass(cls, Sequential) and not _defines(cls, "from_config", Sequential):
        return sequential_from_config(cls, inner, what)
    functional_like = isinstance(inner, dict) and "layers" in inner and "input_layers" in inner
    if issubclass(cls, Functional) or (issubclass(cls, Model) and functional_like):
        # a functional model, or a Model subclass built the functional way without its own from_config
        if not _defines(cls, "from_config", Functional if issubclass(cls, Functional) else Model):
            from lamina.models.functional_config import functional_from_config

            if not isinstance(inner, dict):
                raise LoadError(f"{what}: a functional model's config must be a dict")
            return functional_from_config(Functional if cls is Model else cls, inner)
    if not isinstance(inner, dict):
        raise LoadError(f"{what}: the 'config' of a {cls.__name__} must be a dict; found {type(inner).__name__}")
    if issubclass(cls, Lambda):
        return _lambda_from_config(cls, inner, what)
    from lamina.layers.core.torch_module_wrapper import TorchModuleWrapper

    if issubclass(cls, TorchModuleWrapper) and not _defines(cls, "from_config", Layer):
        raise LoadError(
            f"{what}: a TorchModuleWrapper holds an arbitrary torch module ({inner.get('module')!r}), which a config "
            "cannot describe without code. Build the model in code and load its weights with load_weights(), or "
            "wrap the module in a Layer subclass with get_config() registered with register_lamina_serializable."
        )
    return construct(cls, inner, what)


def _lambda_from_config(cls, config, what):
    config = dict(config)
    name = config.get("name", "?")
    label = f"{what} (Lambda {name!r})"
    custom = current_custom_objects()
    safe = in_safe_mode()
    globals_ = function_names.lambda_globals(custom)
    config["function"] = function_names.deserialize_function(config.get("function"), f"{label}: its function",
                                                             custom, safe, globals_)
    for key in ("output_shape", "mask"):
        value = config.get(key)
        if isinstance(value, dict):
            config[key] = function_names.deserialize_function(value, f"{label}: its {key}", custom, safe, globals_)
        elif isinstance(value, list):
            config[key] = tuple(value) if key == "output_shape" else value
    return construct(cls, config, what)


def sequential_from_config(cls, config, what="Sequential"):
    """Rebuild a Sequential model (lamina's, Keras 3's or Keras 2's config), layer by layer.

    Example:
        >>> model = sequential_from_config(None, {"layers": [
        ...     {"class_name": "InputLayer", "config": {"batch_shape": [None, 3]}},
        ...     {"class_name": "Dense", "config": {"units": 2}}]})
        >>> model.output_shape
        (None, 2)
    """
    from lamina.models.sequential import Sequential

    cls = cls or Sequential
    if isinstance(config, list):  # Keras 2.0-2.2: the config is the list of layers
        config = {"layers": config}
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise LoadError(f"{what}: a Sequential config must be a dict with a 'layers' list")
    model = cls(name=config.get("name"), trainable=config.get("trainable", True))
    for index, layer_config in enumerate(config["layers"]):
        layer = deserialize_layer(layer_config, what=f"{what}, layer {index}")
        model.add(layer, rebuild=False)
    shape = config.get("build_input_shape")
    if model._input_layer is None and isinstance(shape, list) and model.layers:
        model.build(tuple(shape))
    else:
        model._maybe_rebuild()
    return model
