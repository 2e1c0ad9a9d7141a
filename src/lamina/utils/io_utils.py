"""Writing files so that a crash never leaves a half-written file behind.

Example:
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
    >>> with atomic_write(path, "w") as f:
    ...     _ = f.write("hello")
    >>> open(path).read()
    'hello'
"""
import contextlib
import os
import tempfile


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _temporary_beside(path):
    """Yield a fresh temporary path in ``path``'s folder; on success rename it over ``path``, else remove it."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
        _fsync_dir(directory)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


@contextlib.contextmanager
def atomic_write(path, mode="wb"):
    """Open a temporary file beside ``path``; on success flush, fsync and rename it into place.

    If the block raises, the temporary file is removed and ``path`` is untouched, so
    readers only ever see the old file or the complete new one.

    Example:
        >>> with atomic_write(os.path.join(tempfile.mkdtemp(), "w.bin")) as f:
        ...     _ = f.write(b"data")
    """
    with _temporary_beside(path) as tmp:
        with open(tmp, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path`` for libraries that open files themselves (h5py);
    on success fsync it and rename it into place.

    Example:
        >>> target = os.path.join(tempfile.mkdtemp(), "model.h5")
        >>> with atomic_path(target) as tmp:
        ...     open(tmp, "wb").close()
    """
    with _temporary_beside(path) as tmp:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
