"""Resolving Keras-style identifiers (a name, a config dict, an object) into objects.

Activations, initializers, regularizers, constraints, losses, metrics and optimizers
are all named the same way; this module holds the shared rules and the error message
for unknown names.

Example:
    >>> table = {"zeros": int}
    >>> lookup_name("zeros", table, "initializer") is int
    True
"""
import inspect

from lamina.core import registry


def unknown_identifier_error(identifier, table, kind):
    """The ValueError for an unknown name, listing the valid ones.

    Example:
        >>> str(unknown_identifier_error("relu7", {"relu": 1}, "activation"))
        "Unknown activation: 'relu7'. Valid names are: 'relu'."
    """
    valid = ", ".join(repr(name) for name in sorted(table))
    return ValueError(f"Unknown {kind}: {identifier!r}. Valid names are: {valid}.")


def lookup_name(identifier, table, kind, custom_objects=None):
    """Find ``identifier`` in ``table``, then in custom objects and the registry.

    Example:
        >>> lookup_name("nope", {}, "thing")
        Traceback (most recent call last):
        ...
        ValueError: Unknown thing: 'nope'. Valid names are: .
    """
    if identifier in table:
        return table[identifier]
    found = registry.lookup(identifier, custom_objects)
    if found is not None:
        return found
    raise unknown_identifier_error(identifier, table, kind)


def serialize_object(obj):
    """``{'class_name': ..., 'config': ...}`` for objects with ``get_config``.

    Example:
        >>> class A:
        ...     def get_config(self): return {"x": 1}
        >>> serialize_object(A())
        {'class_name': 'A', 'config': {'x': 1}}
    """
    if obj is None:
        return None
    cls = type(obj)
    name = cls.__dict__.get("_registered_name", cls.__name__)  # a subclass does not inherit its parent's name
    return {"class_name": name, "config": obj.get_config()}


def deserialize_object(config, table, kind, custom_objects=None):
    """Build an object from ``{'class_name', 'config'}`` using only known classes.

    Example:
        >>> class B:
        ...     def __init__(self, x): self.x = x
        ...     @classmethod
        ...     def from_config(cls, c): return cls(**c)
        >>> deserialize_object({"class_name": "B", "config": {"x": 2}}, {"B": B}, "thing").x
        2
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Cannot deserialize {kind} from {config!r}: expected a dict with 'class_name' and 'config'")
    cls = lookup_name(config["class_name"], table, kind, custom_objects)
    inner = config.get("config") or {}
    if hasattr(cls, "from_config"):
        return cls.from_config(inner)
    return cls(**inner)


def resolve_identifier(identifier, table, kind, deserialize, accepted):
    """The object for a name, config dict, class or instance/function; the shared rules of the ``get`` functions.

    A name is looked up in ``table`` (then the registry), a dict goes to ``deserialize``, a class is
    instantiated, anything callable is returned; ``accepted`` describes what would have been valid.

    Example:
        >>> resolve_identifier("relu", {"relu": abs}, "activation", None, "a name") is abs
        True
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = lookup_name(identifier, table, kind)
    elif isinstance(identifier, dict):
        obj = deserialize(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if not callable(obj):
        raise ValueError(f"Could not interpret {kind} identifier {identifier!r}: expected {accepted}")
    return obj
