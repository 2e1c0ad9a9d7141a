"""The ``.keras`` file: lamina's native format, and reading the ones Keras 3 writes.

A ``.keras`` file is a zip archive (Keras 3's layout) holding

- ``metadata.json``: ``{"format": "lamina", "format_version": 1, "lamina_version", "date_saved"}``;
- ``config.json``: ``{"class_name", "config", "compile_config", "optimizer_variables"}``: the
  model's architecture and ``compile()`` arguments, as data only (see
  :mod:`~lamina.saving.serialization`), and the structural names of the weights the
  optimizer updates, in its order;
- ``model.weights.safetensors``: every tensor, keyed ``model/<structural name>``
  (``model/0.kernel``, see :mod:`~lamina.saving.tensor_store`) and
  ``optimizer/<i>`` (the optimizer's ``variables`` in order: iteration count,
  learning rate, slots).

An archive written by Keras 3 has ``model.weights.h5`` instead (Keras's object-tree
layout, :mod:`~lamina.saving.keras_tree`); :func:`load_archive` reads both.

Example:
    >>> import os, tempfile
    >>> from lamina.layers import Dense
    >>> from lamina.models import Sequential
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> model = Sequential([Dense(2, input_shape=(3,))])
    >>> save_archive(model, path)
    >>> load_archive(path).get_weights()[0].shape
    (3, 2)
"""
import datetime
import os

from lamina.saving import limits
from lamina.saving.archive import SafeArchive, write_archive
from lamina.saving.compile_config import deserialize_compile_config, serialize_compile_config
from lamina.saving.errors import LoadError, reraise_as_load_error
from lamina.saving.hdf5_io import SafeH5
from lamina.saving.json_io import parse_json, to_json
from lamina.saving.keras_tree import plan_tree
from lamina.saving.model_builder import build_model, fully_built, restore_later, restore_optimizer
from lamina.saving.serialization import load_scope, serialize_layer, with_keras_modules
from lamina.saving.tensor_store import (assign, check_against, decode_tensors, encode_tensors, header_bytes,
                                        model_state, read_header)

FORMAT = "lamina"
FORMAT_VERSION = 1
WEIGHTS_MEMBER = "model.weights.safetensors"
KERAS_WEIGHTS_MEMBER = "model.weights.h5"


def _optimizer_of(model):
    from lamina.optimizers import Optimizer

    optimizer = getattr(model, "optimizer", None)
    return optimizer if isinstance(optimizer, Optimizer) else None


def archive_contents(model, include_optimizer=True):
    """``(config_dict, tensors)``: what :func:`save_archive` writes (also used for in-memory backups).

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> config, tensors = archive_contents(Sequential([Dense(1, input_shape=(2,))]))
        >>> config["class_name"], sorted(tensors)
        ('Sequential', ['model/0.bias', 'model/0.kernel'])
    """
    config = with_keras_modules(serialize_layer(model))
    compile_config = serialize_compile_config(model)
    if compile_config is not None:
        config["compile_config"] = compile_config
    state = model_state(model)
    tensors = {f"model/{key}": value for key, value in state.items()}
    optimizer = _optimizer_of(model)
    if include_optimizer and compile_config is not None and optimizer is not None and optimizer.built:
        names = {id(tensor): key for key, tensor in state.items()}
        keys = [names.get(id(v)) for v in getattr(optimizer, "_trainable_variables", ())]
        if None not in keys:
            config["optimizer_variables"] = keys
        for index, variable in enumerate(optimizer.variables):
            tensors[f"optimizer/{index}"] = variable
    return config, tensors


def save_archive(model, path, include_optimizer=True):
    """Write ``model`` to ``path`` in lamina's ``.keras`` format (atomically).

    Example:
        >>> import tempfile
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> save_archive(Sequential([Dense(1, input_shape=(2,))]), os.path.join(tempfile.mkdtemp(), "x.keras"))
    """
    from lamina.version import __version__

    config, tensors = archive_contents(model, include_optimizer)
    metadata = {"format": FORMAT, "format_version": FORMAT_VERSION, "lamina_version": __version__,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    write_archive(path, {
        "metadata.json": to_json(metadata).encode("utf-8"),
        "config.json": to_json(config).encode("utf-8"),
        WEIGHTS_MEMBER: encode_tensors(tensors, {"format": FORMAT, "format_version": FORMAT_VERSION}),
    })


def _label(path):
    return os.fspath(path) if not hasattr(path, "read") else "archive"


def load_archive(path, custom_objects=None, compile=True, safe_mode=True):
    """Load a model from a ``.keras`` file written by lamina or by Keras 3.

    Example:
        >>> import io
        >>> load_archive(io.BytesIO(b"PK\\x05\\x06" + bytes(18)))
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: archive: the archive has no member 'config.json' (it holds: )
    """
    label = _label(path)
    with SafeArchive(path, label) as archive:
        config = parse_json(archive.read("config.json", limits.MAX_JSON_BYTES), f"{label}: config.json")
        if "metadata.json" in archive.names:
            parse_json(archive.read("metadata.json", limits.MAX_JSON_BYTES), f"{label}: metadata.json")
        if WEIGHTS_MEMBER in archive.names:
            data = archive.read(WEIGHTS_MEMBER)
            return _load_native(config, data, label, custom_objects, compile, safe_mode)
        if KERAS_WEIGHTS_MEMBER in archive.names:
            data = archive.read(KERAS_WEIGHTS_MEMBER)
            return _load_keras3(config, data, label, custom_objects, compile, safe_mode)
        raise LoadError(f"{label}: the archive holds no weights ({WEIGHTS_MEMBER} or {KERAS_WEIGHTS_MEMBER})")


def _compile(model, config, label, custom_objects, safe_mode):
    compile_config = config.get("compile_config")
    if not compile_config:
        return False
    if not isinstance(compile_config, dict):
        raise LoadError(f"{label}: compile_config must be a dict")
    with load_scope(safe_mode, custom_objects), reraise_as_load_error(f"{label}: compile_config"):
        model.compile_from_config(deserialize_compile_config(compile_config, custom_objects))
    return True


def _load_native(config, data, label, custom_objects, compile, safe_mode):
    entries, _ = read_header(data, f"{label}: {WEIGHTS_MEMBER}")
    model = build_model(config, label, header_bytes(entries, "model/"), custom_objects, safe_mode)
    compiled = compile and _compile(model, config, label, custom_objects, safe_mode)
    optimizer_keys = config.get("optimizer_variables")
    if optimizer_keys is not None and not (isinstance(optimizer_keys, list)
                                           and all(isinstance(k, str) for k in optimizer_keys)):
        raise LoadError(f"{label}: optimizer_variables must be a list of weight names")
    count = sum(1 for name in entries if name.startswith("optimizer/"))
    if any(f"optimizer/{i}" not in entries for i in range(count)):
        raise LoadError(f"{label}: the optimizer entries of {WEIGHTS_MEMBER} are not numbered 0..{count - 1}")

    def restore():
        state = model_state(model)
        names = check_against(state, entries, f"{label}: {WEIGHTS_MEMBER}", prefix="model/")
        tensors = decode_tensors(data, f"{label}: {WEIGHTS_MEMBER}")
        assign(state, {name: tensors[f"model/{name}"] for name in names}, names)
        if compiled and count:
            restore_optimizer(model, {str(i): tensors[f"optimizer/{i}"] for i in range(count)}, optimizer_keys,
                              label)

    if fully_built(model):
        restore()
    elif any(name.startswith("model/") for name in entries):  # saved built: restore once it is built again
        restore_later(model, restore)
    return model


def _load_keras3(config, data, label, custom_objects, compile, safe_mode):
    with SafeH5(data, f"{label}: {KERAS_WEIGHTS_MEMBER}") as h5:
        model = build_model(config, label, _tree_bytes(h5), custom_objects, safe_mode)
        if not fully_built(model):
            raise LoadError(f"{label}: the model could not be built from its config (no build_config input shape), "
                            "so its weights cannot be restored")
        h5.read_into(plan_tree(h5, model))
        if compile and _compile(model, config, label, custom_objects, safe_mode):
            restore_optimizer(model, _keras_optimizer_values(h5), None, label, strict=False)
    return model


def _tree_bytes(h5):
    """Bytes of the model's weights in a Keras 3 weights file (``layers/...`` and ``vars``)."""
    groups = [h5.group(h5.root, top, required=False) for top in ("layers", "vars")]
    return sum(h5.total_bytes(group) for group in groups if group is not None)


def _keras_optimizer_values(h5):
    group = h5.group(h5.root, "optimizer/vars", required=False)
    if group is None:
        return {}
    count = len(group.keys())
    return {str(i): h5.read(h5.dataset(group, str(i))) for i in range(count)}


def load_weights_from_archive(model, path, skip_mismatch=False):
    """Load only the weights of a ``.keras`` file (lamina's or Keras 3's) into ``model``.

    Example:
        >>> import tempfile
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
        >>> source = Sequential([Dense(2, input_shape=(3,))]); save_archive(source, path)
        >>> target = Sequential([Dense(2, input_shape=(3,))]); load_weights_from_archive(target, path)
        >>> bool((target.get_weights()[0] == source.get_weights()[0]).all())
        True
    """
    label = _label(path)
    with SafeArchive(path, label) as archive:
        if WEIGHTS_MEMBER in archive.names:
            data = archive.read(WEIGHTS_MEMBER)
            what = f"{label}: {WEIGHTS_MEMBER}"
            entries, _ = read_header(data, what)
            state = model_state(model)
            names = check_against(state, {k: v for k, v in entries.items() if k.startswith("model/")}, what,
                                  prefix="model/", skip_mismatch=skip_mismatch)
            tensors = decode_tensors(data, what)
            assign(state, {name: tensors[f"model/{name}"] for name in names}, names)
        elif KERAS_WEIGHTS_MEMBER in archive.names:
            with SafeH5(archive.read(KERAS_WEIGHTS_MEMBER), f"{label}: {KERAS_WEIGHTS_MEMBER}") as h5:
                h5.read_into(plan_tree(h5, model, skip_mismatch=skip_mismatch))
        else:
            raise LoadError(f"{label}: the archive holds no weights ({WEIGHTS_MEMBER} or {KERAS_WEIGHTS_MEMBER})")
