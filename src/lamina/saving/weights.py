"""``save_weights`` / ``load_weights`` in every format lamina knows, chosen by suffix and by content.

=====================================  =============================================================
suffix                                 format
=====================================  =============================================================
``.weights.h5``                        Keras 3's object-tree HDF5 (Keras 3 ``load_weights`` reads it)
``.h5``, ``.hdf5``                     Keras 2's per-layer HDF5 (``by_name`` works here, as in Keras)
``.weights.safetensors``,              lamina's own: tensors keyed by structural name
``.safetensors``
``.pt``, ``.pth``                      ``torch.save(model.state_dict())``, read with ``weights_only=True``
``.keras`` (loading only)              the weights of a whole-model file (lamina's or Keras 3's)
=====================================  =============================================================

Loading recognises the format from the file's first bytes, not its name, and
checks the whole file against the model before changing any weight.

Example:
    >>> import os, tempfile
    >>> from lamina.layers import Dense
    >>> from lamina.models import Sequential
    >>> model = Sequential([Dense(2, input_shape=(3,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "w.weights.h5")
    >>> save_weights(model, path)
    >>> load_weights(Sequential([Dense(2, input_shape=(3,))]), path)
"""
import os
import zipfile

import torch

from lamina.saving.errors import LoadError, reraise_as_load_error
from lamina.saving.hdf5_io import SafeH5, write_h5
from lamina.saving.keras_tree import plan_tree, write_tree
from lamina.saving.legacy_h5 import load_h5_weights, save_h5_weights
from lamina.saving.tensor_store import assign, check_against, decode_tensors, encode_tensors, model_state, read_header
from lamina.utils.io_utils import atomic_path, atomic_write

WEIGHTS_SUFFIXES = (".weights.h5", ".h5", ".hdf5", ".weights.safetensors", ".safetensors", ".pt", ".pth")


def _require_built(model, what):
    if not all(getattr(layer, "built", True) for layer in model._flatten_layers()):
        raise ValueError(
            f"{what}: {model._label} is not built yet, so it has no weights. Call it on data or build it "
            "(model.build(input_shape)) first."
        )


def save_weights(model, filepath, overwrite=True, **kwargs):
    """Write the model's weights; the format follows the suffix (see the module docstring).

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> save_weights(Sequential([Dense(1, input_shape=(2,))]), "w.txt")
        Traceback (most recent call last):
        ...
        ValueError: save_weights: filepath='w.txt' must end in .weights.h5, .h5, .hdf5, .weights.safetensors, .safetensors, .pt or .pth
    """
    kwargs.pop("save_format", None)
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"save_weights() got unexpected keyword argument(s) {sorted(kwargs)}")
    path = os.fspath(filepath)
    if not path.endswith(WEIGHTS_SUFFIXES):
        raise ValueError(f"save_weights: filepath={path!r} must end in {', '.join(WEIGHTS_SUFFIXES[:-1])} or "
                         f"{WEIGHTS_SUFFIXES[-1]}")
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"save_weights: {path!r} exists; pass overwrite=True to replace it")
    _require_built(model, "save_weights")
    if path.endswith(".weights.h5"):
        with write_h5(path) as f:
            write_tree(f, model)
    elif path.endswith((".h5", ".hdf5")):
        save_h5_weights(model, path)
    elif path.endswith(".safetensors"):
        data = encode_tensors(model_state(model), {"format": "lamina.weights", "format_version": 1})
        with atomic_write(path, "wb") as handle:
            handle.write(data)
    else:
        state = {key: tensor.detach().cpu().clone() for key, tensor in model_state(model).items()}
        with atomic_path(path) as tmp:
            torch.save(state, tmp)


def sniff_format(path):
    """``'hdf5'``, ``'zip'``, ``'safetensors'`` or ``None``, from the file's first bytes (``LoadError`` if unreadable)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        raise LoadError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise LoadError(f"{path}: is a directory (TensorFlow SavedModel directories are not supported; save with "
                        "model.save('model.keras') or save_weights('w.weights.h5'))") from None
    except OSError as error:
        raise LoadError(f"{path}: cannot read the file ({error})") from None
    if head[:8] == b"\x89HDF\r\n\x1a\n":
        return "hdf5"
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        return "zip"
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"
    return None


def _load_safetensors(model, path, skip_mismatch):
    with open(path, "rb") as handle:
        data = handle.read()
    entries, _ = read_header(data, path)
    prefix = "model/" if entries and all(name.startswith(("model/", "optimizer/")) for name in entries) else ""
    if prefix:
        entries = {k: v for k, v in entries.items() if k.startswith(prefix)}
    state = model_state(model)
    names = check_against(state, entries, path, prefix=prefix, skip_mismatch=skip_mismatch)
    tensors = decode_tensors(data, path)
    assign(state, {name: tensors[prefix + name] for name in names}, names)


def _load_torch(model, path, skip_mismatch):
    try:
        stored = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # the restricted unpickler refuses anything but tensors and containers
        raise LoadError(f"{path}: not a torch state dict that can be read safely ({type(error).__name__}: "
                        f"{error})") from None
    if not isinstance(stored, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                               for k, v in stored.items()):
        raise LoadError(f"{path}: expected a dict of tensors (a state_dict)")
    state = model_state(model)
    entries = {k: (v.dtype, tuple(v.shape)) for k, v in stored.items()}
    names = check_against(state, entries, path, skip_mismatch=skip_mismatch)
    assign(state, stored, names)


def load_weights(model, filepath, skip_mismatch=False, by_name=False, **kwargs):
    """Load weights saved by :func:`save_weights` (or by Keras) into ``model``; the format is detected.

    ``by_name=True`` (Keras 2 HDF5 files) matches layers by name and leaves layers
    absent from the file unchanged; ``skip_mismatch=True`` skips weights whose shapes
    differ instead of raising. Any problem with the file raises
    :class:`~lamina.saving.LoadError`, and no weight changes unless all load.

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> load_weights(Sequential([Dense(1, input_shape=(2,))]), "/no/such/file.weights.h5")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: /no/such/file.weights.h5: file not found
    """
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"load_weights() got unexpected keyword argument(s) {sorted(kwargs)}")
    path = os.fspath(filepath)
    kind = sniff_format(path)
    _require_built(model, "load_weights")
    if by_name and not (kind == "hdf5" and not path.endswith(".weights.h5")):
        raise ValueError("load_weights: by_name=True works with Keras 2 HDF5 weight files (.h5/.hdf5) only; "
                         f"{path!r} is another format, whose weights are matched by structure")
    with reraise_as_load_error(path):
        if kind == "hdf5":
            with SafeH5(path, path) as h5:
                if _is_tree(h5):
                    h5.read_into(plan_tree(h5, model, skip_mismatch=skip_mismatch))
                    return
            load_h5_weights(model, path, by_name=by_name, skip_mismatch=skip_mismatch)
        elif kind == "zip" and (path.endswith((".pt", ".pth")) or _is_torch_zip(path)):
            _load_torch(model, path, skip_mismatch)
        elif kind == "zip":
            from lamina.saving.keras_archive import load_weights_from_archive

            load_weights_from_archive(model, path, skip_mismatch=skip_mismatch)
        elif kind == "safetensors":
            _load_safetensors(model, path, skip_mismatch)
        elif path.endswith((".pt", ".pth")):
            _load_torch(model, path, skip_mismatch)
        else:
            raise LoadError(f"{path}: not a weights file lamina knows (HDF5, safetensors, .keras zip or torch "
                            "state dict)")


def _is_tree(h5):
    """Keras 3's object-tree layout (``layers/...``, ``vars``) rather than Keras 2's per-layer one."""
    if h5.attribute(h5.root, "layer_names") is not None or h5.group(h5.root, "model_weights",
                                                                    required=False) is not None:
        return False
    return h5.group(h5.root, "layers", required=False) is not None or h5.group(h5.root, "vars",
                                                                                required=False) is not None


def _is_torch_zip(path):
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.endswith("/data.pkl") for name in archive.namelist()[:64])
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
