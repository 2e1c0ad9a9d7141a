"""``get_file``: download a file once into a cache folder, check its hash, extract archives safely.

The cache folder is ``cache_dir`` if given, else ``$LAMINA_HOME``, else ``~/.lamina``;
files go into its ``cache_subdir`` (``datasets`` by default). Downloads are written to a
temporary name and renamed into place only when complete and matching the expected
hash, so an interrupted download never leaves a broken file in the cache. Archives are
extracted into a temporary folder and renamed into place; members with absolute paths,
``..`` components, links pointing outside the target or special files are refused.

Example:
    >>> import os, tempfile, pathlib
    >>> source = os.path.join(tempfile.mkdtemp(), "hello.txt")
    >>> _ = open(source, "w").write("hello")
    >>> path = get_file("hello.txt", pathlib.Path(source).as_uri(), cache_dir=tempfile.mkdtemp())
    Downloading data from file://...
    >>> open(path).read()
    'hello'
"""
import hashlib
import http.client
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

from lamina.utils.io_utils import atomic_write

HASH_ALGORITHMS = ("auto", "sha256", "md5")
ARCHIVE_FORMATS = ("tar", "zip")
_CHUNK = 1 << 20


class DownloadError(OSError):
    """A file could not be fetched from its origin (offline, HTTP error, missing file...).

    Example:
        >>> issubclass(DownloadError, OSError)
        True
    """


def lamina_home():
    """The cache root: ``$LAMINA_HOME`` if set, else ``~/.lamina``.

    Example:
        >>> os.path.basename(lamina_home()) in (".lamina", os.path.basename(os.environ.get("LAMINA_HOME", "")))
        True
    """
    return os.path.expanduser(os.environ.get("LAMINA_HOME") or os.path.join("~", ".lamina"))


def _hasher(algorithm, file_hash=None):
    if algorithm not in HASH_ALGORITHMS:
        raise ValueError(f"get_file: hash_algorithm must be one of {HASH_ALGORITHMS}; received {algorithm!r}")
    if algorithm == "auto":
        if file_hash is not None and len(file_hash) not in (32, 64):
            raise ValueError(
                f"get_file: cannot tell the hash algorithm of file_hash={file_hash!r} (expected 64 hex digits "
                "for sha256 or 32 for md5); pass hash_algorithm='sha256' or 'md5'"
            )
        algorithm = "md5" if file_hash is not None and len(file_hash) == 32 else "sha256"
    return hashlib.new(algorithm)


def hash_file(fpath, algorithm="sha256", chunk_size=_CHUNK):
    """Hex digest of a file (``"sha256"``, ``"md5"``, or ``"auto"`` = sha256).

    Example:
        >>> path = os.path.join(tempfile.mkdtemp(), "empty")
        >>> open(path, "wb").close()
        >>> hash_file(path)[:16]
        'e3b0c44298fc1c14'
    """
    hasher = _hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=_CHUNK):
    """Whether the file's sha256 (64 hex digits) or md5 (32) equals ``file_hash``.

    Example:
        >>> path = os.path.join(tempfile.mkdtemp(), "empty")
        >>> open(path, "wb").close()
        >>> validate_file(path, "d41d8cd98f00b204e9800998ecf8427e")
        True
    """
    return hash_file(fpath, _hasher(algorithm, file_hash), chunk_size) == str(file_hash).lower()


def _progress(total):
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr, disable=None,
                leave=False)


def _offline_help(origin, target, file_hash, hash_name, reason):
    expected = "" if file_hash is None else f" (expected {hash_name} {file_hash})"
    return (
        f"get_file: could not download {origin}: {reason}. If this machine is offline, fetch that URL "
        f"elsewhere and place the file at {target}{expected}; it is then used without downloading."
    )


def _download(origin, target, file_hash, algorithm):
    """Stream ``origin`` into ``target`` atomically; raise if it fails or the hash does not match."""
    print(f"Downloading data from {origin}")
    hasher = _hasher(algorithm, file_hash)
    try:
        response = urllib.request.urlopen(origin, timeout=60)
    except urllib.error.HTTPError as error:
        reason = f"HTTP {error.code} {error.reason}"
        raise DownloadError(_offline_help(origin, target, file_hash, hasher.name, reason)) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(_offline_help(origin, target, file_hash, hasher.name, reason)) from error
    with response:
        length = response.headers.get("Content-Length") if response.headers else None
        total = int(length) if length and length.isdigit() else None
        try:
            with atomic_write(target, "wb") as out, _progress(total) as bar:
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    out.write(chunk)
                    hasher.update(chunk)
                    bar.update(len(chunk))
                if file_hash is not None and hasher.hexdigest() != str(file_hash).lower():
                    raise ValueError(
                        f"get_file: the file downloaded from {origin} is corrupted or not the expected one: its "
                        f"{hasher.name} is {hasher.hexdigest()}, expected {file_hash}. Nothing was written to {target}."
                    )
        except (OSError, http.client.HTTPException) as error:
            raise DownloadError(_offline_help(origin, target, file_hash, hasher.name, error)) from error


def _inside(base, path):
    return os.path.commonpath([base, path]) == base


def _check_member(name, base, kind, link_target=None, hard_link=False):
    """Refuse a member that would land (or point) outside ``base``."""
    if os.path.isabs(name) or name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", name):
        raise ValueError(f"get_file: refusing to extract {kind} member {name!r}: absolute paths are not allowed")
    destination = os.path.realpath(os.path.join(base, name))
    if not _inside(base, destination):
        raise ValueError(f"get_file: refusing to extract {kind} member {name!r}: it would be written outside {base}")
    if link_target is not None:
        anchor = base if hard_link else os.path.dirname(destination)
        if os.path.isabs(link_target) or not _inside(base, os.path.realpath(os.path.join(anchor, link_target))):
            raise ValueError(
                f"get_file: refusing to extract {kind} member {name!r}: it links to {link_target!r}, outside {base}"
            )


def _extract_tar(archive, base):
    members = archive.getmembers()
    for member in members:
        if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
            raise ValueError(f"get_file: refusing to extract tar member {member.name!r}: it is a device or fifo")
        link = member.linkname if (member.issym() or member.islnk()) else None
        _check_member(member.name, base, "tar", link, hard_link=member.islnk())
    if hasattr(tarfile, "data_filter"):
        archive.extractall(base, members=members, filter="data")
    else:  # pragma: no cover - Python without the extraction filters
        archive.extractall(base, members=members)


def _extract_zip(archive, base):
    for info in archive.infolist():
        _check_member(info.filename, base, "zip")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ValueError(f"get_file: refusing to extract zip member {info.filename!r}: it is a symbolic link")
    archive.extractall(base)


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extract a tar (``.tar``, ``.tar.gz``, ``.tar.bz2``, ``.tar.xz``) or zip archive into ``path``.

    The archive is unpacked into a temporary folder beside ``path`` and renamed into
    place, so ``path`` appears complete or not at all. Unsafe members (absolute paths,
    ``..`` escapes, links out of the folder, devices) raise ``ValueError`` before anything
    is written.

    Returns:
        ``True`` if the file was an archive of one of the formats and was extracted,
        ``False`` if it matched none.

    Example:
        >>> folder = tempfile.mkdtemp()
        >>> archive = os.path.join(folder, "a.zip")
        >>> with zipfile.ZipFile(archive, "w") as z:
        ...     z.writestr("inside/x.txt", "x")
        >>> extract_archive(archive, os.path.join(folder, "out"))
        True
        >>> os.listdir(os.path.join(folder, "out", "inside"))
        ['x.txt']
    """
    if archive_format is None:
        return False
    formats = list(ARCHIVE_FORMATS) if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format)
    )
    unknown = [fmt for fmt in formats if fmt not in ARCHIVE_FORMATS]
    if unknown:
        raise ValueError(
            f"get_file: archive_format must be 'auto', None or one of {ARCHIVE_FORMATS} (or a list of them); "
            f"received {archive_format!r}"
        )
    file_path, path = os.fspath(file_path), os.path.abspath(os.fspath(path))
    for fmt in formats:
        if fmt == "tar" and tarfile.is_tarfile(file_path):
            opener, extractor = tarfile.open, _extract_tar
        elif fmt == "zip" and zipfile.is_zipfile(file_path):
            opener, extractor = zipfile.ZipFile, _extract_zip
        else:
            continue
        parent = os.path.dirname(path)
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.", suffix=".extracting", dir=parent)
        try:
            with opener(file_path) as archive:
                extractor(archive, os.path.realpath(staging))
            if os.path.isdir(path):
                shutil.rmtree(path)
            os.replace(staging, path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return True
    return False


def _cache_folder(cache_dir, cache_subdir):
    base = os.path.expanduser(os.fspath(cache_dir)) if cache_dir is not None else lamina_home()
    try:
        os.makedirs(base, exist_ok=True)
        writable = os.access(base, os.W_OK)
    except OSError:
        writable = False
    if not writable:
        base = os.path.join(tempfile.gettempdir(), ".lamina")
    folder = os.path.join(base, os.fspath(cache_subdir))
    os.makedirs(folder, exist_ok=True)
    return folder


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Download ``origin`` into the cache unless a good copy is already there; return its local path.

    Args:
        fname: local file name (default: the last part of the URL). A relative path is
            taken under the cache folder, an absolute path is used as is. With
            ``extract=True``, a name without an extension names the extraction folder.
        origin: the URL (``https://``, ``http://``, ``file://``).
        untar: Keras 2 spelling of ``extract=True, archive_format="tar"``.
        md5_hash: Keras 2 spelling of ``file_hash=..., hash_algorithm="md5"``.
        file_hash: expected sha256 (64 hex digits) or md5 (32) of the file. A cached file
            that does not match is downloaded again; a download that does not match is
            discarded and raises ``ValueError``.
        cache_subdir: sub-folder of the cache (an absolute path is used as is).
        hash_algorithm: ``"auto"``, ``"sha256"`` or ``"md5"``.
        extract: extract the downloaded archive; the return value is then the folder.
        archive_format: ``"auto"`` (tar, then zip), ``"tar"``, ``"zip"``, or ``None``.
        cache_dir: cache root (default ``$LAMINA_HOME`` or ``~/.lamina``).
        force_download: download even if the file is cached.

    Returns:
        The path of the file, or of the extraction folder when ``extract``/``untar``
        (Keras 3's layout: ``<name>`` for the folder and ``<name>_archive`` for the
        download when ``fname`` has no extension; ``<stem>_extracted`` beside ``fname``
        when it has one).

    Raises:
        DownloadError: the file is not cached and cannot be fetched; the message names the
            URL and where to place the file by hand.
        ValueError: hash mismatch, an unsafe archive, or an archive of no known format.

    Example:
        >>> source = os.path.join(tempfile.mkdtemp(), "numbers.csv")
        >>> _ = open(source, "w").write("1,2,3")
        >>> cache = tempfile.mkdtemp()
        >>> first = get_file(origin="file://" + source, cache_dir=cache)
        Downloading data from file://...
        >>> get_file(origin="file://" + source, cache_dir=cache) == first   # cached: no download
        True
    """
    if origin is None:
        raise ValueError("get_file: origin (the URL of the file to download) is required")
    origin = os.fspath(origin) if isinstance(origin, os.PathLike) else str(origin)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if file_hash is not None:
        _hasher(hash_algorithm, file_hash)  # validate early
    datadir = _cache_folder(cache_dir, cache_subdir)
    if fname is None or fname == "":
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"get_file: cannot tell a file name from origin={origin!r}; pass fname")
        named = False
    else:
        fname, named = os.fspath(fname), True
    if untar:
        extract, archive_format = True, "tar"

    if extract:
        stem = os.path.basename(fname)
        if named and "." in stem:
            download_target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(os.path.dirname(download_target), f"{stem[: stem.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            download_target = extraction_dir + "_archive"
    else:
        download_target = os.path.join(datadir, fname)

    download = force_download or not os.path.exists(download_target)
    if not download and file_hash is not None and not validate_file(download_target, file_hash, hash_algorithm):
        print(
            f"The cached file {download_target} does not match the expected hash {file_hash} "
            "(incomplete or outdated); downloading it again."
        )
        download = True
    if download:
        _download(origin, download_target, file_hash, hash_algorithm)

    if not extract:
        return download_target
    if download or not os.path.isdir(extraction_dir):
        if not extract_archive(download_target, extraction_dir, archive_format):
            raise ValueError(
                f"get_file: extract=True but {download_target} is not an archive of format {archive_format!r} "
                f"(supported: {ARCHIVE_FORMATS})"
            )
    return extraction_dir
