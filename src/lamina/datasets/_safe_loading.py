"""Reading the datasets' pickles without ever running code from them.

IMDB and Reuters store ragged sequences as NumPy object arrays (a pickle inside the
``.npz``); CIFAR ships Python pickles. Both are read with an unpickler that can only
rebuild NumPy arrays, dtypes and scalars (plus lists, dicts, bytes, str, numbers, which
need no lookup); any other global a file names (``os.system``, ``builtins.eval``...)
raises ``pickle.UnpicklingError``.

Example:
    >>> import io, pickle
    >>> blob = pickle.dumps({"data": np.arange(3)})
    >>> restricted_load(io.BytesIO(blob), "demo")["data"].tolist()
    [0, 1, 2]
    >>> restricted_load(io.BytesIO(pickle.dumps(print)), "demo")
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: refusing to load builtins.print from demo: only NumPy arrays and plain data are allowed
"""
import io
import pickle
import zipfile

import numpy as np

_NUMPY_GLOBALS = {
    (module, name)
    for module in ("numpy.core.multiarray", "numpy._core.multiarray")
    for name in ("_reconstruct", "scalar")
} | {("numpy", "ndarray"), ("numpy", "dtype")}


def _latin1_encode(text, encoding="latin1", errors="strict"):
    """Stand-in for ``_codecs.encode``, which protocol-2 pickles use for bytes; only latin-1 is allowed."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(f"refusing _codecs.encode with encoding {encoding!r}")
    return text.encode("latin1", errors)


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, handle, source, **kwargs):
        super().__init__(handle, **kwargs)
        self._source = source

    def find_class(self, module, name):
        if (module, name) in _NUMPY_GLOBALS:
            return super().find_class(module, name)
        if (module, name) == ("_codecs", "encode"):
            return _latin1_encode
        raise pickle.UnpicklingError(
            f"refusing to load {module}.{name} from {self._source}: only NumPy arrays and plain data are allowed"
        )


def restricted_load(handle, source, encoding="ASCII"):
    """Unpickle from an open binary ``handle``, allowing only NumPy arrays and plain Python data.

    Example:
        >>> import io, pickle
        >>> restricted_load(io.BytesIO(pickle.dumps([1, b"x"])), "demo")
        [1, b'x']
    """
    return _RestrictedUnpickler(handle, source, encoding=encoding).load()


def _read_npy(raw, source):
    try:
        return np.lib.format.read_array(raw, allow_pickle=False)
    except ValueError:
        pass
    raw.seek(0)  # an object array: the header is followed by a pickle
    major, _ = np.lib.format.read_magic(raw)
    if major == 1:
        np.lib.format.read_array_header_1_0(raw)
    elif major in (2, 3):
        np.lib.format.read_array_header_2_0(raw)  # 3.0 only changes the header's text encoding
    else:
        raise ValueError(f"{source}: unsupported .npy format version {major}")
    return restricted_load(raw, source, encoding="latin1")


def load_npz(path):
    """All arrays of an ``.npz`` file as a dict; object arrays are read with the restricted unpickler.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "ragged.npz")
        >>> ragged = np.empty(2, dtype=object); ragged[:] = [[1, 2], [3]]
        >>> np.savez(path, x=ragged)
        >>> load_npz(path)["x"].tolist()
        [[1, 2], [3]]
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as handle:
                    arrays[member[:-4]] = _read_npy(io.BytesIO(handle.read()), f"{path}:{member}")
    return arrays
