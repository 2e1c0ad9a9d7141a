"""Lazy package attributes (PEP 562): import a submodule or name the first time it is used.

``import lamina`` loads only what defining, compiling and fitting a model needs; the
rest (datasets, applications, saving, image utilities, ...) is imported when first
touched. A package ``__init__`` lists what it provides lazily and installs the
module-level ``__getattr__``/``__dir__`` this returns::

    __getattr__, __dir__ = lazy_exports(__name__, submodules=["mnist"],
                                        attributes={"to_categorical": ".numerical_utils"})

``attributes`` maps a public name to the module that defines it (relative to the
package when it starts with a dot); ``"module:other"`` serves that module's ``other``
under the public name. The first access imports the module and stores the value on
the package, so later accesses are plain attribute reads.

Example:
    >>> import sys, types
    >>> package = types.ModuleType("demo_pkg")
    >>> sys.modules["demo_pkg"] = package
    >>> package.__getattr__, package.__dir__ = lazy_exports("demo_pkg", attributes={"dumps": "json"})
    >>> package.dumps([1])
    '[1]'
    >>> "dumps" in vars(package), "dumps" in dir(package)
    (True, True)
    >>> del sys.modules["demo_pkg"]
"""
import importlib
import sys


def lazy_exports(package, submodules=(), attributes=None):
    """``(__getattr__, __dir__)`` for ``package`` serving ``submodules`` and ``attributes`` on first use.

    Args:
        package: the package's ``__name__``.
        submodules: names of submodules reachable as ``package.name``.
        attributes: ``{public_name: "module"}`` or ``{public_name: "module:attribute"}``;
            ``module`` is absolute or, starting with ``"."``, relative to ``package``.

    Example:
        >>> getattr_, dir_ = lazy_exports("json", attributes={"JSONDecoder2": "json.decoder:JSONDecoder"})
        >>> getattr_("JSONDecoder2").__name__
        'JSONDecoder'
        >>> getattr_("nothing")
        Traceback (most recent call last):
        ...
        AttributeError: module 'json' has no attribute 'nothing'
    """
    submodules = frozenset(submodules)
    attributes = dict(attributes or {})
    overlap = submodules & set(attributes)
    if overlap:
        raise ValueError(f"lazy_exports({package!r}): {sorted(overlap)} listed both as submodules and attributes")

    def __getattr__(name):
        if name in attributes:
            module_name, _, source_name = attributes[name].partition(":")
            value = getattr(importlib.import_module(module_name, package), source_name or name)
        elif name in submodules:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = sys.modules.get(package)
        if module is not None:
            setattr(module, name, value)
        return value

    def __dir__():
        module = sys.modules.get(package)
        return sorted(set(vars(module) if module is not None else ()) | submodules | set(attributes))

    return __getattr__, __dir__
