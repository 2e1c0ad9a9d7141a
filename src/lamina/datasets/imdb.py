"""IMDB movie reviews, labelled by sentiment (``keras.datasets.imdb``).

25,000 training and 25,000 test reviews, each a list of word indices (words ranked by
frequency), with labels 1 (positive) or 0 (negative). Downloaded once from Keras's
public bucket into ``$LAMINA_HOME/datasets`` (default ``~/.lamina/datasets``) and
checked by sha256.

Example:
    (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)
    max(max(seq) for seq in x_train) < 10000
    # -> True
"""
import json

import numpy as np

from lamina.datasets._fetch import KERAS_DATASETS_URL, fetch
from lamina.datasets._safe_loading import load_npz
from lamina.datasets._word_sequences import Ragged, drop_long, shuffled

DATA_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, **kwargs):
    """Load the IMDB reviews with Keras's exact preprocessing.

    Args:
        path: file name in the cache, or the path of a local copy of ``imdb.npz``.
        num_words: keep the words of index ``< num_words`` (after ``index_from`` is
            added); the others become ``oov_char``. ``None`` uses the largest index
            present as the bound (so, exactly as in Keras, that one word becomes
            ``oov_char`` too).
        skip_top: words of index ``< skip_top`` also become ``oov_char``.
        maxlen: drop reviews whose length (with the start mark) is ``>= maxlen``.
        seed: the shuffling seed (train and test are shuffled separately).
        start_char: index put at the start of every review (``None``: none).
        oov_char: index of cut-out words (``None``: cut-out words are removed).
        index_from: added to every word index.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of lists of ints, and
        int64 label arrays.

    Raises:
        lamina.utils.file_utils.DownloadError: when offline and not cached (the message
            says where to place ``imdb.npz``).

    Example:
        >>> load_data  # doctest: +ELLIPSIS
        <function load_data at ...>
    """
    if "nb_words" in kwargs:
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"imdb.load_data: unexpected keyword arguments {sorted(kwargs)}")
    arrays = load_npz(fetch(path, KERAS_DATASETS_URL + "imdb.npz", DATA_SHA256))
    rng = np.random.RandomState(seed)
    x_train, y_train = shuffled(rng, arrays["x_train"], arrays["y_train"])
    x_test, y_test = shuffled(rng, arrays["x_test"], arrays["y_test"])
    x_train = Ragged.from_sequences(x_train).shift_and_mark(start_char, index_from)
    x_test = Ragged.from_sequences(x_test).shift_and_mark(start_char, index_from)
    x_train, y_train = drop_long(x_train, y_train, maxlen)
    x_test, y_test = drop_long(x_test, y_test, maxlen)
    if not len(x_train) or not len(x_test):
        raise ValueError(
            f"imdb.load_data: no review is shorter than maxlen={maxlen} in the "
            f"{'training' if not len(x_train) else 'test'} set; increase maxlen"
        )
    sequences = x_train.concatenate(x_test)
    bound = num_words or sequences.max_value()
    x_train, x_test = sequences.restrict_vocabulary(bound, skip_top, oov_char).split(len(x_train))
    return (x_train.to_object_array(), y_train), (x_test.to_object_array(), y_test)


def get_word_index(path="imdb_word_index.json"):
    """The dict word -> rank used by :func:`load_data` (add ``index_from`` to match the data).

    Example:
        index = get_word_index()
        index["the"]
        # -> 1
    """
    with open(fetch(path, KERAS_DATASETS_URL + "imdb_word_index.json", WORD_INDEX_MD5), encoding="utf-8") as f:
        return json.load(f)
