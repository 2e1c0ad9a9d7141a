"""The ``.keras`` zip container: safe reading and atomic writing.

Reading never extracts anything to disk and never trusts the zip's own claims:
member names must be plain names from a fixed set (no directories, ``..`` or
absolute paths), the declared sizes must be consistent with the file's real size
and within :mod:`~lamina.saving.limits` (zip bombs: total size and per-member
compression ratio), and each member is read through a reader that stops at the
declared size. Writing goes to a temporary file that is fsynced and renamed into
place (:func:`lamina.utils.io_utils.atomic_write`).

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> write_archive(path, {"config.json": b"{}", "metadata.json": b"{}"})
    >>> with SafeArchive(path) as archive:
    ...     archive.names, archive.read("config.json")
    (['config.json', 'metadata.json'], b'{}')
"""
import os
import re
import zipfile

from lamina.saving import limits
from lamina.saving.errors import LoadError
from lamina.utils.io_utils import atomic_write

_MEMBER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}")
_ASSETS = re.compile(r"assets/[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,255}")
_CHUNK = 1 << 20


def _check_member_name(name, label):
    if _MEMBER_NAME.fullmatch(name) and ".." not in name:
        return
    if _ASSETS.fullmatch(name) and ".." not in name.split("/") and "//" not in name:
        return  # Keras 3 asset files: listed, never read or extracted
    raise LoadError(
        f"{label}: the archive holds a member named {name!r}; member names must be plain file names "
        "(no directories, '..', absolute paths or unusual characters). The file is damaged or hostile."
    )


class SafeArchive:
    """A read-only view of a ``.keras`` zip whose members have been checked (see the module docstring).

    Args:
        path: the archive's path.
        label: how messages name the file (default: the path).

    Example:
        >>> import io
        >>> SafeArchive(io.BytesIO(b"not a zip"), label="x.keras")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: x.keras: not a zip archive (File is not a zip file)
    """

    def __init__(self, path, label=None):
        self.label = label or ("archive" if hasattr(path, "read") else os.fspath(path))
        try:
            if hasattr(path, "seek"):
                path.seek(0, os.SEEK_END)
                size = path.tell()
                path.seek(0)
            else:
                size = os.path.getsize(path)
            self._zip = zipfile.ZipFile(path, "r")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as error:
            raise LoadError(f"{self.label}: not a zip archive ({error})") from None
        except OSError as error:
            raise LoadError(f"{self.label}: cannot read the file ({error})") from None
        try:
            self._infos = self._check(size)
        except BaseException:
            self._zip.close()
            raise

    def _check(self, archive_size):
        infos = self._zip.infolist()
        if len(infos) > limits.MAX_ARCHIVE_MEMBERS:
            raise LoadError(f"{self.label}: the archive has {len(infos)} members; at most "
                            f"{limits.MAX_ARCHIVE_MEMBERS} are expected")
        seen, total = {}, 0
        for info in infos:
            _check_member_name(info.filename, self.label)
            if info.filename in seen:
                raise LoadError(f"{self.label}: the archive holds two members named {info.filename!r}")
            if info.flag_bits & 0x1:
                raise LoadError(f"{self.label}: member {info.filename!r} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise LoadError(f"{self.label}: member {info.filename!r} uses an unsupported compression method "
                                f"({info.compress_type}); lamina reads stored or deflated members")
            if info.compress_size > archive_size:
                raise LoadError(f"{self.label}: member {info.filename!r} claims {info.compress_size} compressed "
                                f"bytes, more than the whole file ({archive_size} bytes): the file is truncated")
            if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
                raise LoadError(f"{self.label}: member {info.filename!r} is stored uncompressed but claims "
                                f"{info.file_size} bytes in {info.compress_size}")
            if (info.file_size > limits.RATIO_CHECK_FLOOR
                    and info.file_size > limits.MAX_COMPRESSION_RATIO * max(info.compress_size, 1)):
                raise LoadError(
                    f"{self.label}: member {info.filename!r} would expand {info.compress_size} bytes into "
                    f"{info.file_size} (more than {limits.MAX_COMPRESSION_RATIO}x): refusing a likely zip bomb"
                )
            total += info.file_size
            seen[info.filename] = info
        if total > limits.MAX_UNCOMPRESSED_BYTES:
            raise LoadError(f"{self.label}: the archive would expand to {total} bytes, more than the limit of "
                            f"{limits.MAX_UNCOMPRESSED_BYTES} (lamina.saving.limits.MAX_UNCOMPRESSED_BYTES)")
        return seen

    @property
    def names(self):
        """The member names, sorted."""
        return sorted(self._infos)

    def size(self, name):
        """The declared uncompressed size of member ``name``."""
        return self._infos[name].file_size

    def read(self, name, max_bytes=None):
        """The bytes of member ``name`` (at most its declared size; CRC checked).

        Example:
            >>> import io
            >>> buffer = io.BytesIO()
            >>> with zipfile.ZipFile(buffer, "w") as z:
            ...     z.writestr("config.json", "{}")
            >>> SafeArchive(buffer, label="m.keras").read("weights.h5")
            Traceback (most recent call last):
            ...
            lamina.saving.errors.LoadError: m.keras: the archive has no member 'weights.h5' (it holds: config.json)
        """
        info = self._infos.get(name)
        if info is None:
            raise LoadError(f"{self.label}: the archive has no member {name!r} (it holds: {', '.join(self.names)})")
        if max_bytes is not None and info.file_size > max_bytes:
            raise LoadError(f"{self.label}: member {name!r} has {info.file_size} bytes, more than the limit of "
                            f"{max_bytes}")
        chunks, left = [], info.file_size
        try:
            with self._zip.open(info) as stream:
                while left > 0:
                    chunk = stream.read(min(_CHUNK, left))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    left -= len(chunk)
                if left == 0 and stream.read(1):
                    raise LoadError(f"{self.label}: member {name!r} holds more data than it declares")
        except LoadError:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as error:
            raise LoadError(f"{self.label}: member {name!r} is damaged ({error})") from None
        except Exception as error:  # zlib.error and friends
            raise LoadError(f"{self.label}: member {name!r} is damaged ({type(error).__name__}: {error})") from None
        if left:
            raise LoadError(f"{self.label}: member {name!r} is truncated ({left} of {info.file_size} bytes missing)")
        return b"".join(chunks)

    def close(self):
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_archive(path, members, compress=("config.json", "metadata.json")):
    """Write ``members`` (``{name: bytes}``) as a zip, atomically; JSON members deflated, the rest stored.

    Example:
        >>> import tempfile
        >>> write_archive(os.path.join(tempfile.mkdtemp(), "a.keras"), {"config.json": b"{}"})
    """
    with atomic_write(path, "wb") as handle:
        with zipfile.ZipFile(handle, "w") as archive:
            for name, data in members.items():
                method = zipfile.ZIP_DEFLATED if name in compress else zipfile.ZIP_STORED
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = method
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
