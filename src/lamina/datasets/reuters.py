"""Reuters newswires labelled with 46 topics (``keras.datasets.reuters``).

11,228 newswires, each a list of word indices (words ranked by frequency), split into
training and test sets by ``test_split``. Downloaded once from Keras's public bucket into
``$LAMINA_HOME/datasets`` (default ``~/.lamina/datasets``) and checked by sha256.

Example:
    (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)
    len(x_train), len(x_test)
    # -> (8982, 2246)
"""
import json

import numpy as np

from lamina.datasets._fetch import KERAS_DATASETS_URL, fetch
from lamina.datasets._safe_loading import load_npz
from lamina.datasets._word_sequences import Ragged, drop_long, shuffled

DATA_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"

LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
    "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """Load the Reuters newswires with Keras's exact preprocessing and split.

    Args:
        path: file name in the cache, or the path of a local copy of ``reuters.npz``.
        num_words, skip_top, maxlen, seed, start_char, oov_char, index_from: as in
            :func:`lamina.datasets.imdb.load_data` (one shuffle of all newswires).
        test_split: fraction of the newswires (after the ``maxlen`` filter) that form the
            test set, taken from the end.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of lists of ints, and
        integer topic labels in ``[0, 46)``.

    Example:
        >>> load_data  # doctest: +ELLIPSIS
        <function load_data at ...>
    """
    if "nb_words" in kwargs:
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"reuters.load_data: unexpected keyword arguments {sorted(kwargs)}")
    if not 0 <= test_split <= 1:
        raise ValueError(f"reuters.load_data: test_split must be in [0, 1]; received test_split={test_split!r}")
    arrays = load_npz(fetch(path, KERAS_DATASETS_URL + "reuters.npz", DATA_SHA256))
    sequences, labels = shuffled(np.random.RandomState(seed), arrays["x"], arrays["y"])
    sequences = Ragged.from_sequences(sequences).shift_and_mark(start_char, index_from)
    sequences, labels = drop_long(sequences, labels, maxlen)
    bound = num_words or sequences.max_value()
    sequences = sequences.restrict_vocabulary(bound, skip_top, oov_char)
    cut = int(len(sequences) * (1 - test_split))
    x_train, x_test = sequences.split(cut)
    return (x_train.to_object_array(), labels[:cut]), (x_test.to_object_array(), labels[cut:])


def get_word_index(path="reuters_word_index.json"):
    """The dict word -> rank used by :func:`load_data` (add ``index_from`` to match the data).

    Example:
        get_word_index()["the"]
        # -> 1
    """
    with open(fetch(path, KERAS_DATASETS_URL + "reuters_word_index.json", WORD_INDEX_MD5), encoding="utf-8") as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, in label order.

    Example:
        >>> get_label_names()[:3]
        ('cocoa', 'grain', 'veg-oil')
    """
    return LABEL_NAMES
