"""Where a dataset loader finds its file: a local path the user gave, or the download cache.

Example:
    >>> import os, tempfile
    >>> local = os.path.join(tempfile.mkdtemp(), "mine.npz")
    >>> open(local, "wb").close()
    >>> fetch(local, "https://example.invalid/mine.npz", None) == local   # used as is, never downloaded
    True
"""
import os

from lamina.utils.file_utils import get_file

KERAS_DATASETS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def fetch(path, origin, file_hash, **get_file_kwargs):
    """The local file for a dataset.

    ``path`` naming an existing file (by an absolute path or one with a folder part) is
    used as it is, without a hash check: that is the user's own copy. Otherwise ``path`` is
    the file's name in the cache (``$LAMINA_HOME/datasets``), downloaded from ``origin``
    and checked against ``file_hash`` by :func:`lamina.utils.get_file` when missing.

    Example:
        >>> fetch  # doctest: +ELLIPSIS
        <function fetch at ...>
    """
    path = os.path.expanduser(os.fspath(path))
    is_local = os.path.isabs(path) or os.path.dirname(path) != ""
    if is_local and os.path.isfile(path):
        return path
    return get_file(fname=path, origin=origin, file_hash=file_hash, **get_file_kwargs)
