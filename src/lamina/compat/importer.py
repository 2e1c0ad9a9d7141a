"""Import aliases: ``keras``, ``tensorflow.keras``, ``tf_keras`` and ``tensorflow`` served by lamina.

A finder on ``sys.meta_path`` maps each requested module name to a lamina module
(:data:`MODULE_MAP`, then a generic ``keras.X`` -> ``lamina.X`` rule) and hands Python
the lamina module object itself, so ``keras.layers.Dense is lamina.layers.Dense``.

Example:
    >>> target_for("keras.preprocessing.sequence"), target_for("tensorflow.keras.layers")
    ('lamina.preprocessing.sequence', 'lamina.layers')
"""
import importlib
import importlib.abc
import importlib.util
import sys

# Keras module paths whose lamina home has a different name.
MODULE_MAP = {
    "keras": "lamina",
    "keras.layers.core": "lamina.layers",
    "keras.layers.convolutional": "lamina.layers",
    "keras.layers.pooling": "lamina.layers",
    "keras.layers.recurrent": "lamina.layers",
    "keras.layers.merge": "lamina.layers",
    "keras.layers.normalization": "lamina.layers",
    "keras.layers.embeddings": "lamina.layers",
    "keras.layers.advanced_activations": "lamina.layers",
    "keras.engine": "lamina.models",
    "keras.engine.topology": "lamina.layers",
    "keras.engine.training": "lamina.models",
    "keras.utils.np_utils": "lamina.utils",
    "keras.utils.vis_utils": "lamina.utils",
    "keras.utils.data_utils": "lamina.utils",
    "keras.wrappers": "lamina.wrappers",
    "tensorflow": "lamina.compat.tensorflow",
    "keras_tuner": "lamina.tuner",
    "kerastuner": "lamina.tuner",
}
_PREFIXES = {"keras": "keras", "tensorflow.keras": "keras", "tf_keras": "keras", "tensorflow.python.keras": "keras"}


def target_for(fullname):
    """The lamina module that serves ``fullname``, or ``None`` if the name is not aliased.

    Example:
        >>> target_for("numpy") is None
        True
    """
    for prefix, canonical in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[0])):
        if fullname == prefix or fullname.startswith(prefix + "."):
            fullname = canonical + fullname[len(prefix):]
            break
    if fullname in MODULE_MAP:
        return MODULE_MAP[fullname]
    if fullname.startswith("keras."):
        return "lamina." + fullname[len("keras."):]
    for tuner_name in ("keras_tuner.", "kerastuner."):
        if fullname.startswith(tuner_name):
            return "lamina.tuner." + fullname[len(tuner_name):]
    if fullname.startswith("tensorflow."):
        return "lamina.compat.tensorflow." + fullname[len("tensorflow."):]
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        pass


class LaminaAliasFinder(importlib.abc.MetaPathFinder):
    """Serve Keras/TensorFlow module names with lamina modules."""

    def find_spec(self, fullname, path=None, target=None):
        lamina_name = target_for(fullname)
        if lamina_name is None:
            return None
        try:
            module = importlib.import_module(lamina_name)
        except ModuleNotFoundError as error:
            if error.name is not None and lamina_name.startswith(error.name):
                raise ModuleNotFoundError(
                    f"No module named {fullname!r}: lamina has no equivalent of it (looked for {lamina_name!r}). "
                    "lamina serves the Keras API and a subset of TensorFlow; see docs/compat.md.",
                    name=fullname,
                ) from None
            raise
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


_finder = LaminaAliasFinder()
_shadowed = {}  # real keras / tensorflow modules imported before install_aliases, restored by uninstall_aliases


def _is_lamina(module):
    return getattr(module, "__name__", "").startswith("lamina")


def install_aliases():
    """Make ``import keras`` / ``import tensorflow`` resolve to lamina in this process.

    Real Keras or TensorFlow modules already imported are set aside until :func:`uninstall_aliases`.

    Example:
        >>> install_aliases(); uninstall_aliases()
    """
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
        for name in list(sys.modules):
            if target_for(name) is not None and not _is_lamina(sys.modules[name]):
                _shadowed[name] = sys.modules.pop(name)


def uninstall_aliases():
    """Undo :func:`install_aliases` and forget the aliased modules.

    Example:
        >>> uninstall_aliases()
    """
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name in list(sys.modules):
        if target_for(name) is not None and _is_lamina(sys.modules[name]):
            del sys.modules[name]
    sys.modules.update(_shadowed)
    _shadowed.clear()
