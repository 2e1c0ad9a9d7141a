"""Functions a config may name: a closed table of tensor functions, registered functions, and nothing else.

A functional graph records plain functions (``x + 1`` records ``operator.add``,
``torch.sum(x, 1)`` records ``torch.sum``, ``lamina.ops.mean`` records itself) and a
``Lambda`` layer holds one. In a saved config such a function is written as a
*name* from this table:

- ``operator.<name>``: Python's operators (``add``, ``getitem``, ...);
- ``ops.<name>``, ``activations.<name>``, ``backend.<name>``: lamina's public functions;
- ``torch.<name>``, ``torch.nn.functional.<name>``, ``torch.linalg.<name>``,
  ``torch.fft.<name>``, ``torch.special.<name>``: the torch functions that dispatch
  on tensors (``torch.overrides.get_overridable_functions``), so nothing that reads
  files or loads pickles (``torch.load`` is not a tensor function);
- a function registered with ``register_lamina_serializable`` or passed in
  ``custom_objects``, by its registered name.

Any other function (a ``lambda``, a local function) is written as marshalled
bytecode, as Keras does; loading it runs code from the file, so it is refused
unless the caller passes ``safe_mode=False``.

Example:
    >>> import operator
    >>> function_name(operator.add), resolve_name("torch.sum") is torch.sum
    ('operator.add', True)
    >>> resolve_name("os.system") is None
    True
"""
import base64
import binascii
import marshal
import operator
import types

import torch

from lamina.core import registry
from lamina.saving.errors import LoadError

_OPERATORS = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and_", "or_", "xor", "lt", "le",
              "gt", "ge", "eq", "ne", "neg", "pos", "abs", "invert", "getitem")
_TORCH_NAMESPACES = (("torch", torch), ("torch.nn.functional", torch.nn.functional), ("torch.linalg", torch.linalg),
                     ("torch.fft", torch.fft), ("torch.special", torch.special))
_LAMINA_MODULES = ("ops", "activations", "backend")
_tables = None


def _inner(fn):
    """The function a wrapper records in the graph (``@op`` keeps it as ``.eager``; others as ``__wrapped__``)."""
    return getattr(fn, "eager", None) or getattr(fn, "__wrapped__", None)


def _build_tables():
    import importlib

    by_name, by_id = {}, {}

    def add(name, fn):
        by_name.setdefault(name, fn)
        by_id.setdefault(id(fn), name)
        inner = _inner(fn)
        if inner is not None:
            by_id.setdefault(id(inner), name)

    for name in _OPERATORS:
        add(f"operator.{name}", getattr(operator, name))
    for module_name in _LAMINA_MODULES:
        try:
            module = importlib.import_module(f"lamina.{module_name}")
        except ImportError:
            continue
        for attr in sorted(getattr(module, "__all__", None) or dir(module)):
            fn = getattr(module, attr, None)
            if attr.startswith("_") or not isinstance(fn, types.FunctionType):
                continue
            if getattr(fn, "__module__", "").startswith("lamina."):
                add(f"{module_name}.{attr}", fn)
    overridable = torch.overrides.get_overridable_functions()
    allowed = set()
    for functions in (overridable.get(torch, ()), overridable.get(torch.functional, ()),
                      overridable.get(torch.nn.functional, ()), overridable.get(torch.linalg, ()),
                      overridable.get(torch.fft, ()), overridable.get(torch.special, ())):
        allowed.update(id(fn) for fn in functions)
    for prefix, module in _TORCH_NAMESPACES:
        for attr in sorted(dir(module)):
            if attr.startswith("_"):
                continue
            fn = getattr(module, attr, None)
            if fn is not None and id(fn) in allowed:
                add(f"{prefix}.{attr}", fn)
    return by_name, by_id


def _get_tables():
    global _tables
    if _tables is None:
        _tables = _build_tables()
    return _tables


def function_name(fn):
    """The table name of ``fn`` (or of the function it wraps), a registered name, or ``None``.

    Example:
        >>> function_name(torch.nn.functional.relu)
        'torch.nn.functional.relu'
        >>> function_name(lambda x: x) is None
        True
    """
    by_name, by_id = _get_tables()
    name = by_id.get(id(fn))
    if name is not None:
        return name
    registered = getattr(fn, "_registered_name", None)
    if registered is not None and registry.lookup(registered) is fn:
        return registered
    return None


def resolve_name(name, custom_objects=None):
    """The function called ``name`` in the table, the registry or ``custom_objects``; ``None`` if unknown.

    Example:
        >>> resolve_name("operator.getitem") is operator.getitem
        True
    """
    if not isinstance(name, str):
        return None
    by_name, _ = _get_tables()
    fn = by_name.get(name)
    if fn is None:
        fn = registry.lookup(name, custom_objects)
        if fn is not None and (isinstance(fn, type) or not callable(fn)):
            return None
    return fn


def _closure_cells(values):
    return tuple(types.CellType(value) for value in values)


def serialize_function(fn):
    """A JSON-safe description of ``fn``: ``{'class_name': 'function', 'config': name}`` for known
    functions, else Keras's ``{'class_name': '__lambda__', 'config': {code, defaults, closure}}``.

    Example:
        >>> serialize_function(torch.tanh)
        {'class_name': 'function', 'config': 'torch.tanh'}
        >>> serialize_function(lambda x: x * 2)["class_name"]
        '__lambda__'
    """
    name = function_name(fn)
    if name is not None:
        return {"class_name": "function", "config": name}
    if not isinstance(fn, types.FunctionType):
        raise TypeError(
            f"cannot save the callable {fn!r}: it is not a known tensor function and not a Python function; "
            "register it with lamina.saving.register_lamina_serializable()"
        )
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    closure = None
    if fn.__closure__:
        closure = [cell.cell_contents for cell in fn.__closure__]
    return {"class_name": "__lambda__", "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}


def unsafe_mode_message(what):
    """The refusal message for code found in a file (it names ``safe_mode=False``)."""
    return (
        f"{what} is Python bytecode stored in the file. Loading it would run code from the file, which lamina "
        "refuses by default. If you trust the file's source, pass safe_mode=False to load_model "
        "(or lamina.saving.enable_unsafe_deserialization()); better, register the function with "
        "lamina.saving.register_lamina_serializable() or pass it in custom_objects."
    )


def deserialize_function(config, what, custom_objects=None, safe_mode=True, globals_=None):
    """The function described by ``config`` (see :func:`serialize_function`); bytecode only if not ``safe_mode``.

    Example:
        >>> deserialize_function({"class_name": "function", "config": "torch.tanh"}, "Lambda 'l'") is torch.tanh
        True
        >>> deserialize_function({"class_name": "function", "config": "os.system"}, "Lambda 'l'")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: Lambda 'l': unknown function 'os.system'. A config may name only ...
    """
    if isinstance(config, str):
        config = {"class_name": "function", "config": config}
    if not isinstance(config, dict):
        raise LoadError(f"{what}: expected a function description; found {type(config).__name__}")
    kind = config.get("class_name")
    if kind == "function":
        for name in (config.get("registered_name"), config.get("config")):
            fn = resolve_name(name, custom_objects)
            if fn is not None:
                return fn
        raise LoadError(
            f"{what}: unknown function {config.get('config')!r}. A config may name only Python operators, "
            "lamina.ops/activations functions, torch tensor functions, and functions registered with "
            "register_lamina_serializable or passed in custom_objects."
        )
    if kind != "__lambda__":
        raise LoadError(f"{what}: expected a function description ('function' or '__lambda__'); found "
                        f"class_name={kind!r}")
    if safe_mode:
        raise LoadError(unsafe_mode_message(what))
    inner = config.get("config")
    if not isinstance(inner, dict) or not isinstance(inner.get("code"), str):
        raise LoadError(f"{what}: the stored bytecode is missing or malformed")
    try:
        code = marshal.loads(base64.b64decode(inner["code"].encode("ascii")))
    except (ValueError, EOFError, TypeError, binascii.Error) as error:
        raise LoadError(f"{what}: the stored bytecode cannot be read ({error}); it may come from another Python "
                        "version") from None
    if not isinstance(code, types.CodeType):
        raise LoadError(f"{what}: the stored bytecode is not a code object")
    defaults = inner.get("defaults")
    closure = inner.get("closure")
    if closure is not None and len(closure) != len(code.co_freevars):
        raise LoadError(f"{what}: the stored closure has {len(closure)} values; the code needs "
                        f"{len(code.co_freevars)}")
    namespace = dict(globals_ or {})
    return types.FunctionType(code, namespace, code.co_name, tuple(defaults) if defaults is not None else None,
                              _closure_cells(closure) if closure else None)


def lambda_globals(custom_objects=None):
    """The globals a deserialized ``lambda`` sees: lamina under Keras's usual names, torch, NumPy, custom objects.

    Example:
        >>> sorted(k for k in lambda_globals() if k in ("keras", "ops", "torch"))
        ['keras', 'ops', 'torch']
    """
    import numpy

    import lamina

    namespace = {"keras": lamina, "lamina": lamina, "ops": lamina.ops, "layers": lamina.layers, "torch": torch,
                 "np": numpy, "numpy": numpy}
    backend = getattr(lamina, "backend", None)
    if backend is not None:
        namespace["K"] = backend
    namespace.update(custom_objects or {})
    return namespace
