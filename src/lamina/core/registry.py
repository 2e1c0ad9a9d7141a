"""The closed registry of classes lamina may build from a config.

Configs name classes by string; only names in this registry (plus what a caller
passes as ``custom_objects``) ever turn into objects, so a config from a file can
never reach arbitrary code.

Example:
    >>> @register("MyLayer")
    ... class MyLayer:
    ...     pass
    >>> lookup("MyLayer") is MyLayer
    True

Packages imported on first use (``lamina.layers``' recurrent, attention and
preprocessing families, ...) declare the names their modules register with
:func:`register_lazy`; looking such a name up imports its module.
"""
import importlib

_REGISTRY = {}
_PROVIDERS = {}  # name -> module that registers it when imported (not imported yet)
_custom_scope = [{}]


def register(name=None, package="lamina"):
    """Class decorator adding the class to the registry under ``name`` (default: class name).

    Example:
        >>> @register()
        ... class Thing: pass
    """

    def decorate(cls):
        key = name or cls.__name__
        if package and package != "lamina":
            full = f"{package}>{key}"
            _REGISTRY[full] = cls
            if key not in _PROVIDERS:  # the plain name too, but never over a built-in or an earlier class
                _REGISTRY.setdefault(key, cls)
            cls._registered_name = full
        else:
            _REGISTRY[key] = cls
            cls._registered_name = key
        return cls

    return decorate


def register_lazy(module, names):
    """Declare that importing ``module`` registers ``names``; :func:`lookup` imports it on demand.

    Used by packages whose modules are imported on first use, so a saved file naming one
    of their classes still loads in a fresh process.

    Example:
        >>> register_lazy("json.decoder", ["LazyDemo"])
        >>> "LazyDemo" in registered_names()
        True
        >>> lookup("LazyDemo") is None   # json.decoder registers nothing
        True
    """
    for name in names:
        if name not in _REGISTRY:
            _PROVIDERS.setdefault(name, module)


def register_lamina_serializable(package="Custom", name=None):
    """Keras's ``register_keras_serializable``: make a user class loadable by name.

    Example:
        >>> @register_lamina_serializable(package="my_pkg")
        ... class Scale: pass
    """
    return register(name=name, package=package)


class custom_object_scope:
    """Context manager that makes extra names resolvable while loading.

    Example:
        >>> class Foo: pass
        >>> with custom_object_scope({"Foo": Foo}):
        ...     lookup("Foo") is Foo
        True
    """

    def __init__(self, *objects):
        self.objects = {}
        for mapping in objects:
            self.objects.update(mapping or {})

    def __enter__(self):
        merged = dict(_custom_scope[-1])
        merged.update(self.objects)
        _custom_scope.append(merged)
        return self

    def __exit__(self, *exc):
        _custom_scope.pop()


def lookup(name, custom_objects=None):
    """The class or function registered as ``name``, or ``None``.

    Example:
        >>> lookup("NoSuchThing") is None
        True
    """
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    scope = _custom_scope[-1]
    if name in scope:
        return scope[name]
    found = _REGISTRY.get(name)
    if found is None and name in _PROVIDERS:
        importlib.import_module(_PROVIDERS.pop(name))
        found = _REGISTRY.get(name)
    return found


def registered_names():
    """All names registered or declared by :func:`register_lazy` (whose lookup imports them), sorted.

    Example:
        >>> isinstance(registered_names(), list)
        True
    """
    return sorted(_REGISTRY.keys() | _PROVIDERS.keys())
