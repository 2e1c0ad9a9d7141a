"""Small files in the exact formats of the real dataset downloads, for testing the loaders offline."""
import gzip
import hashlib
import io
import os
import pickle
import struct
import tarfile

import numpy as np


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def ragged(sequences):
    array = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        array[i] = list(sequence)
    return array


def word_sequences(rng, count, max_len=30, vocab=60):
    """Lists of Python ints (word ranks from 1), ragged like the IMDB/Reuters reviews."""
    return [rng.randint(1, vocab, size=rng.randint(1, max_len)).tolist() for _ in range(count)]


def write_imdb(path, rng):
    np.savez(path, x_train=ragged(word_sequences(rng, 40)), y_train=rng.randint(0, 2, 40).astype(np.int64),
             x_test=ragged(word_sequences(rng, 30)), y_test=rng.randint(0, 2, 30).astype(np.int64))
    return path


def write_reuters(path, rng):
    np.savez(path, x=ragged(word_sequences(rng, 57)), y=rng.randint(0, 46, 57).astype(np.int64))
    return path


def write_mnist(path, rng):
    np.savez_compressed(path, x_train=rng.randint(0, 256, (12, 28, 28)).astype(np.uint8),
                        y_train=rng.randint(0, 10, 12).astype(np.uint8),
                        x_test=rng.randint(0, 256, (5, 28, 28)).astype(np.uint8),
                        y_test=rng.randint(0, 10, 5).astype(np.uint8))
    return path


def write_idx(path, array):
    """A gzipped IDX file (big-endian header: magic 0x0801/0x0803, then the dimensions)."""
    header = struct.pack(">I", 0x0800 | array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())
    return path


class Python2Pickler(pickle._Pickler):
    """Writes pickles as Python 2 did (the CIFAR archives): protocol 2, every string as a BINSTRING."""

    dispatch = pickle._Pickler.dispatch.copy()

    def _save_byte_string(self, obj):
        data = obj.encode("latin1") if isinstance(obj, str) else obj
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[bytes] = _save_byte_string
    dispatch[str] = _save_byte_string


def python2_pickle(obj):
    buffer = io.BytesIO()
    Python2Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def _pickle_member(archive, name, obj):
    data = python2_pickle(obj)
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def write_cifar10(path, rng, per_batch=3, test=4):
    batches = {}
    with tarfile.open(path, "w:gz") as archive:
        names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
        for name in names:
            n = test if name == "test_batch" else per_batch
            batch = {b"batch_label": name.encode(), b"labels": rng.randint(0, 10, n).tolist(),
                     b"data": rng.randint(0, 256, (n, 3072)).astype(np.uint8),
                     b"filenames": [f"img_{i}.png".encode() for i in range(n)]}
            batches[name] = batch
            _pickle_member(archive, f"cifar-10-batches-py/{name}", batch)
        _pickle_member(archive, "cifar-10-batches-py/batches.meta", {b"label_names": [b"airplane"] * 10})
    return path, batches


def write_cifar100(path, rng, train=6, test=3):
    batches = {}
    with tarfile.open(path, "w:gz") as archive:
        for name, n in (("train", train), ("test", test)):
            batch = {b"filenames": [b"x.png"] * n, b"batch_label": name.encode(),
                     b"fine_labels": rng.randint(0, 100, n).tolist(), b"coarse_labels": rng.randint(0, 20, n).tolist(),
                     b"data": rng.randint(0, 256, (n, 3072)).astype(np.uint8)}
            batches[name] = batch
            _pickle_member(archive, f"cifar-100-python/{name}", batch)
        _pickle_member(archive, "cifar-100-python/meta", {b"fine_label_names": [b"apple"] * 100})
    return path, batches


def closed_port_url():
    """A localhost URL on which nothing listens (the connection is refused, as when offline)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/"


def folder_of(path):
    return os.path.dirname(os.fspath(path))
