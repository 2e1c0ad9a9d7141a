"""Reading HDF5 files as data only, and writing them atomically.

HDF5 can point outside itself: external and soft links, virtual datasets and
datasets whose bytes live in other files. A model file must never make lamina
open another path, so :class:`SafeH5` follows hard links only and refuses
datasets stored outside the file. A dataset is read only after its shape and
dtype have been checked against what the model expects, and its declared size
is checked against the bytes the file really holds (compressed datasets may not
claim more than :data:`~lamina.saving.limits.MAX_COMPRESSION_RATIO` times their
storage), so a small file cannot make lamina allocate a huge array.

(h5py is imported on first use, so ``import lamina`` does not pay for it. lamina
parses HDF5 with h5py/libhdf5; a file crafted against libhdf5 itself is
outside what Python code can guard. For files from untrusted sources prefer the
native ``.keras`` format, which holds no HDF5.)

Example:
    >>> import io, h5py
    >>> buffer = io.BytesIO()
    >>> with h5py.File(buffer, "w") as f:
    ...     f["w"] = np.ones(3, dtype="float32")
    >>> with SafeH5(buffer, "w.h5") as f:
    ...     f.read(f.dataset(f.root, "w"), expected_shape=(3,)).tolist()
    [1.0, 1.0, 1.0]
"""
import contextlib
import io
import math
import os

import numpy as np
import torch

from lamina.saving import limits
from lamina.saving.errors import LoadError
from lamina.saving.json_io import parse_json
from lamina.utils.io_utils import atomic_path

_ALLOWED_KINDS = "fiub"  # float, signed/unsigned int, bool


class SafeH5:
    """A read-only HDF5 file whose groups and datasets are reached through hard links only.

    Args:
        source: a path, a file object or bytes.
        label: how messages name the file.

    Example:
        >>> SafeH5(io.BytesIO(b"nope"), "x.h5")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: x.h5: not an HDF5 file...
    """

    def __init__(self, source, label):
        import h5py

        self.label = label
        if isinstance(source, (bytes, bytearray)):
            source = io.BytesIO(source)
        try:
            self.file = h5py.File(source, "r")
        except Exception as error:  # h5py raises OSError, ValueError, KeyError... for damaged files
            raise LoadError(f"{label}: not an HDF5 file or damaged ({type(error).__name__}: {error})") from None
        if hasattr(source, "getbuffer"):
            self.size = len(source.getbuffer())
        elif hasattr(source, "seek"):
            self.size = source.seek(0, os.SEEK_END)
        else:
            self.size = os.path.getsize(source)

    @property
    def root(self):
        return self.file

    def close(self):
        with contextlib.suppress(Exception):
            self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def child(self, group, name):
        """The member ``name`` (``'a/b'`` allowed) of ``group`` through hard links only; ``None`` if absent."""
        import h5py

        if not isinstance(name, str) or not name or name.startswith("/"):
            raise LoadError(f"{self.label}: invalid HDF5 member name {name!r}")
        node = group
        for part in name.split("/"):
            if part in ("", ".", ".."):
                raise LoadError(f"{self.label}: invalid HDF5 member name {name!r}")
            try:
                link = node.get(part, getlink=True)
            except Exception as error:
                raise LoadError(f"{self.label}: cannot read {node.name}/{part} ({error})") from None
            if link is None:
                return None
            if not isinstance(link, h5py.HardLink):
                raise LoadError(f"{self.label}: {node.name}/{part} is a {type(link).__name__}; lamina follows no "
                                "links out of a model file")
            try:
                node = node[part]
            except Exception as error:
                raise LoadError(f"{self.label}: cannot read {node.name}/{part} ({error})") from None
        return node

    def group(self, parent, name, required=True):
        """The sub-group ``name`` (``'a/b'`` allowed) of ``parent``; ``None`` if absent and not ``required``."""
        import h5py

        node = self.child(parent, name)
        if node is None:
            if required:
                raise LoadError(f"{self.label}: the file has no group {parent.name.rstrip('/')}/{name}")
            return None
        if not isinstance(node, h5py.Group):
            raise LoadError(f"{self.label}: {node.name} is not a group")
        return node

    def dataset(self, parent, name, required=True):
        """The dataset ``name`` of ``parent``, checked to be stored inside this file."""
        import h5py

        node = self.child(parent, name)
        if node is None:
            if required:
                raise LoadError(f"{self.label}: the file has no dataset {parent.name.rstrip('/')}/{name}")
            return None
        if not isinstance(node, h5py.Dataset):
            raise LoadError(f"{self.label}: {node.name} is not a dataset")
        if node.is_virtual or node.external:
            raise LoadError(f"{self.label}: dataset {node.name} keeps its data in other files; lamina reads only "
                            "data stored inside the model file")
        return node

    def check(self, dataset):
        """Check dtype and declared size of ``dataset``; return ``(shape, dtype)`` without reading it."""
        dtype = dataset.dtype
        if dtype.kind not in _ALLOWED_KINDS or dtype.itemsize > 8:
            raise LoadError(f"{self.label}: dataset {dataset.name} has dtype {dtype}; weights must be numbers")
        nbytes = math.prod(int(d) for d in dataset.shape) * dtype.itemsize
        try:
            stored = dataset.id.get_storage_size()
        except Exception:
            stored = 0
        if nbytes > limits.RATIO_CHECK_FLOOR and nbytes > limits.MAX_COMPRESSION_RATIO * max(stored, 1):
            raise LoadError(f"{self.label}: dataset {dataset.name} declares {nbytes} bytes but stores {stored}; "
                            "refusing a likely decompression bomb")
        if nbytes > max(self.size, 1) * limits.MAX_COMPRESSION_RATIO:
            raise LoadError(f"{self.label}: dataset {dataset.name} declares {nbytes} bytes, far more than the file "
                            f"({self.size} bytes) can hold")
        return tuple(int(d) for d in dataset.shape), dtype

    def nbytes(self, dataset):
        """The bytes ``dataset`` will occupy once read (after :meth:`check`)."""
        shape, dtype = self.check(dataset)
        return math.prod(shape) * dtype.itemsize

    def read(self, dataset, expected_shape=None, what=None):
        """The dataset as a NumPy array, after checking it (and its shape against ``expected_shape``)."""
        shape, _ = self.check(dataset)
        if expected_shape is not None and tuple(expected_shape) != shape:
            raise LoadError(f"{self.label}: {what or dataset.name} has shape {shape} in the file, but the model "
                            f"expects {tuple(expected_shape)}")
        try:
            return np.asarray(dataset[()])
        except Exception as error:
            raise LoadError(f"{self.label}: cannot read dataset {dataset.name} ({type(error).__name__}: "
                            f"{error})") from None

    def total_bytes(self, group, depth=0):
        """Bytes of every dataset under ``group`` once read (checked, nothing read): a weight budget."""
        if depth > 64:
            raise LoadError(f"{self.label}: the file is nested too deeply")
        total = 0
        for name in group.keys():
            node = self.child(group, name)
            total += self.total_bytes(node, depth + 1) if hasattr(node, "keys") else self.nbytes(node)
        return total

    def read_into(self, plan):
        """Read every ``(weight, dataset)`` pair of ``plan`` (already checked), then assign them all."""
        values = [self.read(dataset, tuple(weight.shape)) for weight, dataset in plan]
        with torch.no_grad():
            for (weight, _), value in zip(plan, values):
                weight.copy_(torch.as_tensor(value).to(device=weight.device, dtype=weight.dtype))

    def attribute(self, node, name, default=None):
        """Attribute ``name`` of ``node`` (Keras's chunked ``name0``, ``name1``... too), strings decoded."""
        try:
            attrs = node.attrs
            if name in attrs:
                value = attrs[name]
            elif f"{name}0" in attrs:
                chunks, index = [], 0
                while f"{name}{index}" in attrs:
                    chunks.extend(list(attrs[f"{name}{index}"]))
                    index += 1
                value = chunks
            else:
                return default
        except Exception as error:
            raise LoadError(f"{self.label}: cannot read attribute {name!r} of {node.name} ({error})") from None
        return _decode(value)

    def json_attribute(self, node, name, expect=dict):
        """Attribute ``name`` parsed as bounded JSON (``None`` if absent)."""
        value = self.attribute(node, name)
        if value is None:
            return None
        return parse_json(value if isinstance(value, (str, bytes)) else str(value), f"{self.label}: attribute "
                                                                                    f"{name!r}", expect)


def _decode(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SOU":
            return [_decode(v) for v in value.tolist()]
        if value.size == 0:
            return []
        return value.tolist()
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


@contextlib.contextmanager
def write_h5(path):
    """An ``h5py.File`` open for writing at a temporary path, renamed to ``path`` on success.

    Example:
        >>> import tempfile
        >>> with write_h5(os.path.join(tempfile.mkdtemp(), "w.h5")) as f:
        ...     f["x"] = [1, 2]
    """
    import h5py

    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as handle:
            yield handle


def set_string_list(node, name, values):
    """Store a list of strings as Keras does (bytes array; empty: an empty float array)."""
    node.attrs[name] = np.asarray([v.encode("utf8") for v in values]) if values else np.asarray([])
