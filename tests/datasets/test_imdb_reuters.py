"""imdb and reuters loaders against Keras 3's own loaders, on small files in the real .npz format."""
import json
import os

import numpy as np
import pytest

from dataset_files import closed_port_url, write_imdb, write_reuters
from lamina.datasets import imdb, reuters
from lamina.utils.file_utils import DownloadError

VARIANTS = [
    {},
    {"num_words": 20},
    {"num_words": 25, "skip_top": 6},
    {"maxlen": 12},
    {"seed": 1, "start_char": None},
    {"start_char": None, "index_from": 0},
    {"oov_char": None, "num_words": 30, "skip_top": 4},
    {"start_char": 7, "oov_char": 9, "index_from": 10, "num_words": 40},
]


@pytest.fixture
def imdb_file(tmp_path):
    return write_imdb(tmp_path / "imdb.npz", np.random.RandomState(0))


@pytest.fixture
def reuters_file(tmp_path):
    return write_reuters(tmp_path / "reuters.npz", np.random.RandomState(1))


def _keras_load(monkeypatch, module, path, **kwargs):
    monkeypatch.setattr(module, "get_file", lambda *args, **kw: str(path))
    return module.load_data(**kwargs)


def _assert_same(ours, theirs):
    for (x, y), (x_ref, y_ref) in zip(ours, theirs):
        assert x.dtype == object and x.ndim == 1 and x.tolist() == x_ref.tolist()
        assert all(type(w) is int for seq in x for w in seq)
        # an empty label array is float64 in Keras (np.array([]) of a filtered list); lamina keeps the label dtype
        assert (y.dtype == y_ref.dtype or not len(y)) and y.tolist() == y_ref.tolist()


@pytest.mark.parametrize("kwargs", VARIANTS)
def test_imdb_matches_keras(keras, monkeypatch, imdb_file, kwargs):
    from keras.src.datasets import imdb as keras_imdb

    _assert_same(imdb.load_data(path=str(imdb_file), **kwargs), _keras_load(monkeypatch, keras_imdb, imdb_file, **kwargs))


@pytest.mark.parametrize("kwargs", VARIANTS + [{"test_split": 0.5}, {"test_split": 0.0, "maxlen": 20}])
def test_reuters_matches_keras(keras, monkeypatch, reuters_file, kwargs):
    from keras.src.datasets import reuters as keras_reuters

    _assert_same(reuters.load_data(path=str(reuters_file), **kwargs),
                 _keras_load(monkeypatch, keras_reuters, reuters_file, **kwargs))


def test_num_words_bounds_and_start_marks(imdb_file):
    (x_train, y_train), (x_test, _) = imdb.load_data(path=str(imdb_file), num_words=15)
    assert len(x_train) == 40 and len(x_test) == 30 and set(y_train.tolist()) <= {0, 1}
    assert all(seq[0] == 1 and max(seq) < 15 for seq in list(x_train) + list(x_test))


def test_imdb_maxlen_too_small_and_bad_kwargs(imdb_file):
    with pytest.raises(ValueError, match="no review is shorter than maxlen=1 in the training set; increase maxlen"):
        imdb.load_data(path=str(imdb_file), maxlen=1)
    with pytest.raises(TypeError, match="unexpected keyword arguments \\['num_word'\\]"):
        imdb.load_data(path=str(imdb_file), num_word=3)
    (x_train, _), _ = imdb.load_data(path=str(imdb_file), nb_words=12)  # Keras 2 spelling
    assert max(max(seq) for seq in x_train) < 12


def test_tampered_pickle_is_refused(tmp_path):
    class Exploit:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    evil = np.empty(1, dtype=object)
    evil[0] = Exploit()
    np.savez(tmp_path / "imdb.npz", x_train=evil, y_train=np.zeros(1), x_test=evil, y_test=np.zeros(1))
    import pickle

    with pytest.raises(pickle.UnpicklingError, match="refusing to load (posix|os).system"):
        imdb.load_data(path=str(tmp_path / "imdb.npz"))


def test_word_index_from_a_local_file_and_offline_error(tmp_path, monkeypatch):
    (tmp_path / "index.json").write_text(json.dumps({"the": 1, "and": 2}))
    assert imdb.get_word_index(path=str(tmp_path / "index.json")) == {"the": 1, "and": 2}
    assert reuters.get_word_index(path=str(tmp_path / "index.json"))["and"] == 2
    assert reuters.get_label_names()[3] == "earn" and len(reuters.get_label_names()) == 46
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    url = closed_port_url()
    monkeypatch.setattr(imdb, "KERAS_DATASETS_URL", url)
    target = os.path.join(str(tmp_path / "home"), "datasets", "imdb.npz")
    with pytest.raises(DownloadError, match=f"could not download {url}imdb.npz.*place the file at {target} "
                                            f"\\(expected sha256 {imdb.DATA_SHA256}\\)"):
        imdb.load_data()


def test_download_through_the_cache(tmp_path, monkeypatch, reuters_file):
    """The default path: downloaded (here from file://) into $LAMINA_HOME/datasets with a sha256 check."""
    import hashlib

    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(reuters, "KERAS_DATASETS_URL", reuters_file.parent.as_uri() + "/")
    monkeypatch.setattr(reuters, "DATA_SHA256", hashlib.sha256(reuters_file.read_bytes()).hexdigest())
    (x_train, _), _ = reuters.load_data()
    assert len(x_train) == int(57 * 0.8)
    assert os.path.isfile(tmp_path / "home" / "datasets" / "reuters.npz")
    monkeypatch.setattr(reuters, "DATA_SHA256", "0" * 64)
    reuters_file.unlink()  # a cached file that fails its check is fetched again, and here that fails
    with pytest.raises(DownloadError):
        reuters.load_data()
