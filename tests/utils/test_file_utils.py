"""get_file: downloads (file:// and a local HTTP server), caching, hashes, safe archive extraction."""
import functools
import hashlib
import http.server
import io
import os
import socket
import tarfile
import threading
import zipfile

import pytest

from lamina.utils import file_utils, get_file
from lamina.utils.file_utils import DownloadError, extract_archive


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def source(tmp_path):
    """A file to download, its file:// URL and its content."""
    path = tmp_path / "server" / "data.bin"
    path.parent.mkdir()
    content = os.urandom(3000)
    path.write_bytes(content)
    return path, path.as_uri(), content


@pytest.fixture
def cache(tmp_path):
    return str(tmp_path / "cache")


def test_download_then_cache_hit_without_network(source, cache, capsys):
    path, url, content = source
    local = get_file("data.bin", url, file_hash=_sha256(content), cache_dir=cache)
    assert local == os.path.join(cache, "datasets", "data.bin")
    assert open(local, "rb").read() == content
    assert "Downloading data from" in capsys.readouterr().out
    path.unlink()  # the origin is gone: a cached, valid copy needs no download
    assert get_file("data.bin", url, file_hash=_sha256(content), cache_dir=cache) == local
    assert "Downloading" not in capsys.readouterr().out
    assert [f for f in os.listdir(os.path.dirname(local))] == ["data.bin"]  # no temporary files left


def test_name_from_url_subdir_md5_and_force_download(source, cache):
    path, url, content = source
    local = get_file(origin=url, cache_subdir="models", md5_hash=hashlib.md5(content).hexdigest(), cache_dir=cache)
    assert local == os.path.join(cache, "models", "data.bin")
    path.write_bytes(b"new content")
    assert open(get_file(origin=url, cache_subdir="models", cache_dir=cache), "rb").read() == content  # cached
    assert open(get_file(origin=url, cache_subdir="models", cache_dir=cache, force_download=True), "rb").read() == (
        b"new content"
    )


def test_lamina_home_environment_variable_and_absolute_fname(source, tmp_path, monkeypatch):
    _, url, content = source
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    assert get_file("x.bin", url) == str(tmp_path / "home" / "datasets" / "x.bin")
    target = tmp_path / "elsewhere" / "y.bin"
    assert get_file(str(target), url) == str(target) and target.read_bytes() == content


def test_hash_mismatch_on_download_leaves_nothing(source, cache):
    _, url, _ = source
    wrong = "0" * 64
    with pytest.raises(ValueError, match=f"its sha256 is [0-9a-f]{{64}}, expected {wrong}. Nothing was written"):
        get_file("data.bin", url, file_hash=wrong, cache_dir=cache)
    assert os.listdir(os.path.join(cache, "datasets")) == []


def test_corrupted_cached_file_is_downloaded_again(source, cache, capsys):
    _, url, content = source
    target = os.path.join(cache, "datasets", "data.bin")
    os.makedirs(os.path.dirname(target))
    open(target, "wb").write(b"truncated")
    assert open(get_file("data.bin", url, file_hash=_sha256(content), cache_dir=cache), "rb").read() == content
    assert "does not match the expected hash" in capsys.readouterr().out


def test_offline_error_names_url_and_where_to_put_the_file(cache):
    with socket.socket() as s:  # a local port with nothing listening: the connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/mnist.npz"
    with pytest.raises(DownloadError) as info:
        get_file("mnist.npz", url, file_hash="a" * 64, cache_dir=cache)
    message = str(info.value)
    assert f"could not download {url}" in message
    assert f"place the file at {os.path.join(cache, 'datasets', 'mnist.npz')} (expected sha256 {'a' * 64})" in message
    assert not os.path.exists(os.path.join(cache, "datasets", "mnist.npz"))


def test_http_download_and_http_error(tmp_path, cache):
    served = tmp_path / "www"
    served.mkdir()
    (served / "file.txt").write_bytes(b"x" * 100_000)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        local = get_file(origin=base + "file.txt", file_hash=_sha256(b"x" * 100_000), cache_dir=cache)
        assert open(local, "rb").read() == b"x" * 100_000
        with pytest.raises(DownloadError, match="could not download .*/missing.txt: HTTP 404"):
            get_file(origin=base + "missing.txt", cache_dir=cache)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _tar(path, members):
    """members: list of (TarInfo kwargs, bytes or None)."""
    with tarfile.open(path, "w:gz") as archive:
        for info_kwargs, data in members:
            info = tarfile.TarInfo(info_kwargs.pop("name"))
            for key, value in info_kwargs.items():
                setattr(info, key, value)
            if data is not None:
                info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def test_extract_tar_keras3_layout_and_reuse(tmp_path, cache):
    archive = _tar(tmp_path / "pack.tar.gz", [({"name": "pack/a.txt"}, b"a"), ({"name": "pack/sub/b.txt"}, b"b"),
                                              ({"name": "pack/link", "type": tarfile.SYMTYPE, "linkname": "a.txt"},
                                               None)])
    folder = get_file("pack", archive.as_uri(), extract=True, cache_dir=cache)
    assert folder == os.path.join(cache, "datasets", "pack")
    assert os.path.isfile(os.path.join(cache, "datasets", "pack_archive"))
    assert open(os.path.join(folder, "pack", "sub", "b.txt"), "rb").read() == b"b"
    assert open(os.path.join(folder, "pack", "link"), "rb").read() == b"a"  # an internal link is fine
    os.remove(os.path.join(folder, "pack", "a.txt"))
    assert get_file("pack", archive.as_uri(), extract=True, cache_dir=cache) == folder  # cached: not re-extracted
    assert not os.path.exists(os.path.join(folder, "pack", "a.txt"))
    # a named file with an extension: extracted beside it into <stem>_extracted (Keras 3)
    named = get_file("pack.tar.gz", archive.as_uri(), untar=True, cache_dir=cache)
    assert named == os.path.join(cache, "datasets", "pack_extracted")
    assert sorted(os.listdir(os.path.join(named, "pack"))) == ["a.txt", "link", "sub"]


def test_extract_zip(tmp_path, cache):
    archive = tmp_path / "z.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("jena_climate_2009_2016.csv", "Date Time,T (degC)\n01.01.2009 00:10:00,-8.02\n")
    folder = get_file(origin=archive.as_uri(), fname="jena.zip", extract=True, cache_dir=cache)
    assert open(os.path.join(folder, "jena_climate_2009_2016.csv")).readline() == "Date Time,T (degC)\n"
    with pytest.raises(ValueError, match="is not an archive of format 'tar'"):
        get_file(origin=archive.as_uri(), fname="other", extract=True, archive_format="tar", cache_dir=cache)


@pytest.mark.parametrize(
    "members, message",
    [
        ([({"name": "../evil.txt"}, b"x")], "'../evil.txt': it would be written outside"),
        ([({"name": "ok/../../evil.txt"}, b"x")], "it would be written outside"),
        ([({"name": "/tmp/evil.txt"}, b"x")], "'/tmp/evil.txt': absolute paths are not allowed"),
        ([({"name": "link", "type": tarfile.SYMTYPE, "linkname": "/etc/passwd"}, None)],
         "'link': it links to '/etc/passwd', outside"),
        ([({"name": "d/link", "type": tarfile.SYMTYPE, "linkname": "../../x"}, None)], "it links to '../../x'"),
        ([({"name": "hard", "type": tarfile.LNKTYPE, "linkname": "../outside"}, None)], "it links to '../outside'"),
        ([({"name": "dev", "type": tarfile.CHRTYPE}, None)], "'dev': it is a device or fifo"),
    ],
)
def test_unsafe_tar_members_are_refused(tmp_path, members, message):
    archive = _tar(tmp_path / "evil.tar.gz", [({"name": "fine.txt"}, b"ok")] + members)
    target = tmp_path / "out" / "target"
    with pytest.raises(ValueError, match=message):
        extract_archive(archive, target)
    assert not target.exists() and not (tmp_path / "evil.txt").exists()
    assert os.listdir(tmp_path / "out") == []  # the staging folder is removed too


@pytest.mark.parametrize("name", ["../evil.txt", "/abs/evil.txt", "a/../../evil.txt"])
def test_unsafe_zip_members_are_refused(tmp_path, name):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("fine.txt", "ok")
        z.writestr(name, "x")
    with pytest.raises(ValueError, match="refusing to extract zip member"):
        extract_archive(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (tmp_path / "evil.txt").exists()


def test_zip_symlink_is_refused(tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as z:
        info = zipfile.ZipInfo("link")
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "/etc/passwd")
    with pytest.raises(ValueError, match="'link': it is a symbolic link"):
        extract_archive(archive, tmp_path / "out")


def test_hash_helpers_and_argument_errors(tmp_path, source, cache):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    assert file_utils.hash_file(path) == _sha256(b"abc")
    assert file_utils.hash_file(path, "md5") == hashlib.md5(b"abc").hexdigest()
    assert file_utils.validate_file(path, _sha256(b"abc").upper())
    assert not file_utils.validate_file(path, hashlib.md5(b"abd").hexdigest())
    _, url, _ = source
    with pytest.raises(ValueError, match="origin \\(the URL of the file to download\\) is required"):
        get_file("x")
    with pytest.raises(ValueError, match="hash_algorithm must be one of \\('auto', 'sha256', 'md5'\\); received 'sha1'"):
        get_file("x", url, file_hash="ab", hash_algorithm="sha1", cache_dir=cache)
    with pytest.raises(ValueError, match="cannot tell the hash algorithm of file_hash='abc'"):
        get_file("x", url, file_hash="abc", cache_dir=cache)
    with pytest.raises(ValueError, match="archive_format must be 'auto', None or one of"):
        extract_archive(path, tmp_path / "o", archive_format="rar")
    assert extract_archive(path, tmp_path / "o", archive_format=None) is False
    assert extract_archive(path, tmp_path / "o") is False  # not an archive
