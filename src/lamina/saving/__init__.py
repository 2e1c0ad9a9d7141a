"""Saving and loading (``keras.saving``): model files, weights files, Keras files, checkpoints, export.

- ``model.save('m.keras')`` / :func:`load_model`: lamina's zip format (JSON config,
  safetensors weights, optimizer state); ``.h5`` for Keras 2's HDF5 format.
  Keras 3 ``.keras`` and Keras 2/3 ``.h5`` files load too.
- ``model.save_weights(path)`` / ``model.load_weights(path)``: ``.weights.h5`` (Keras 3),
  ``.h5`` (Keras 2, ``by_name``), ``.weights.safetensors``, ``.pt``.
- Loading is safe by construction: classes come only from lamina's registry and
  ``custom_objects``, nothing in a file is executed unless ``safe_mode=False``, and
  a bad file raises :class:`LoadError`.
- :class:`BackupAndRestore` resumes interrupted training exactly;
  ``model.export(path, format=...)`` writes TorchScript, ``torch.export`` or ONNX.

See ``docs/saving.md``.

Example:
    >>> import os, tempfile
    >>> import lamina
    >>> model = lamina.Sequential([lamina.layers.Dense(2, input_shape=(3,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> model.save(path)
    >>> lamina.saving.load_model(path).count_params()
    8
"""
from lamina.core.registry import custom_object_scope, register_lamina_serializable
from lamina.saving.api import clone_model, load_model, model_from_json, model_to_json, save_model
from lamina.saving.backup import BackupAndRestore
from lamina.saving.errors import LoadError
from lamina.saving.export import export_model, load_exported
from lamina.saving.serialization import enable_unsafe_deserialization
from lamina.saving.weights import load_weights, save_weights

register_keras_serializable = register_lamina_serializable
CustomObjectScope = custom_object_scope


def get_custom_objects():
    """The global ``{name: object}`` dict consulted by every load; add entries to make them loadable by name.

    Example:
        >>> class Doubler: pass
        >>> get_custom_objects()["Doubler"] = Doubler
        >>> from lamina.core.registry import lookup
        >>> lookup("Doubler") is Doubler
        True
        >>> del get_custom_objects()["Doubler"]
    """
    from lamina.core import registry

    return registry._custom_scope[0]


def get_registered_name(obj):
    """The name ``obj`` (a class or function) is saved under.

    Example:
        >>> from lamina.layers import Dense
        >>> get_registered_name(Dense)
        'Dense'
    """
    own = obj.__dict__.get("_registered_name") if hasattr(obj, "__dict__") else None
    return own or getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name, custom_objects=None):
    """The class or function registered (or passed in ``custom_objects``) as ``name``, or ``None``.

    Example:
        >>> get_registered_object("Dense").__name__
        'Dense'
    """
    from lamina.core import registry

    return registry.lookup(name, custom_objects)


__all__ = [
    "BackupAndRestore", "CustomObjectScope", "LoadError", "clone_model", "custom_object_scope",
    "enable_unsafe_deserialization", "export_model", "get_custom_objects", "get_registered_name",
    "get_registered_object", "load_exported", "load_model", "load_weights", "model_from_json", "model_to_json",
    "register_keras_serializable", "register_lamina_serializable", "save_model", "save_weights",
]
