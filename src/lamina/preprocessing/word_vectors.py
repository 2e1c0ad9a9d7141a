"""Pretrained word vectors (GloVe, word2vec/fastText text format) as an ``Embedding`` weight matrix.

The book's recipe (section 6.1.3): read the vectors, build a ``(max_words, dim)`` matrix
whose row ``i`` is the vector of the word with index ``i`` (rows of unknown words stay
zero), load it into an ``Embedding`` layer and freeze it.

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "vectors.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("the 0.1 0.2\\ncat 0.3 0.4\\n")
    >>> matrix = load_word_vectors(path, {"cat": 1, "dog": 2})
    >>> matrix.tolist()   # row 0: padding; row 2: 'dog' has no vector
    [[0.0, 0.0], [0.30000001192092896, 0.4000000059604645], [0.0, 0.0]]

    Then ``Embedding(3, 2, weights=[matrix], trainable=False)``, or
    ``layer.set_weights([matrix]); layer.trainable = False``.
"""
import gzip

import numpy as np


def _open_text(path):
    if str(path).endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _is_word2vec_header(parts):
    return len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit()


def load_word_vectors(path, word_index, embedding_dim=None, max_words=None, dtype="float32"):
    """Read a text file of word vectors into an embedding matrix for ``word_index``.

    Each line is a word followed by its numbers, separated by spaces (GloVe); a first
    line ``"<count> <dim>"`` (word2vec/fastText ``.vec``) is skipped. ``.gz`` files are
    read directly. Words may contain spaces (the last ``dim`` fields are the vector).

    Args:
        path: the vectors file (``glove.6B.100d.txt``, ``*.vec``, optionally ``.gz``).
        word_index: dict word -> row index (e.g. ``Tokenizer.word_index``).
        embedding_dim: vector length; read from the file when ``None`` (and checked
            against it otherwise).
        max_words: number of rows; words with an index ``>= max_words`` are left out.
            Default ``max(word_index.values()) + 1``.
        dtype: the matrix dtype.

    Returns:
        A ``(max_words, embedding_dim)`` NumPy array; rows of words without a vector
        (and row 0, the padding index) are zero.

    Raises:
        ValueError: a line whose number of values differs from ``embedding_dim``
            (file and line number in the message), or an empty file.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "v.vec")
        >>> _ = open(path, "w").write("2 3\\nfoo 1 2 3\\nbar 4 5 6\\n")
        >>> load_word_vectors(path, {"bar": 1}, max_words=2).shape
        (2, 3)
    """
    if not isinstance(word_index, dict):
        raise TypeError(f"load_word_vectors: word_index must be a dict word -> index; received {type(word_index).__name__}")
    if max_words is None:
        max_words = max(word_index.values(), default=0) + 1
    if isinstance(max_words, bool) or int(max_words) != max_words or max_words < 1:
        raise ValueError(f"load_word_vectors: max_words must be a positive integer; received {max_words!r}")
    wanted = {word: index for word, index in word_index.items() if 0 <= index < max_words}
    matrix = None
    with _open_text(path) as handle:
        for line_number, line in enumerate(handle, start=1):
            parts = line.rstrip("\r\n").rstrip(" ").split(" ")
            if line_number == 1 and _is_word2vec_header(parts):
                header_dim = int(parts[1])
                if embedding_dim is not None and embedding_dim != header_dim:
                    raise ValueError(
                        f"load_word_vectors: {path} holds {header_dim}-dimensional vectors, "
                        f"but embedding_dim={embedding_dim}"
                    )
                embedding_dim = header_dim
                continue
            if parts == [""]:
                continue
            if embedding_dim is None:
                embedding_dim = len(parts) - 1
            if len(parts) <= embedding_dim:
                raise ValueError(
                    f"load_word_vectors: line {line_number} of {path} has {len(parts) - 1} values after the word; "
                    f"expected {embedding_dim}"
                )
            if matrix is None:
                matrix = np.zeros((int(max_words), embedding_dim), dtype=dtype)
            word = " ".join(parts[:-embedding_dim])
            index = wanted.get(word)
            if index is None:
                continue
            try:
                matrix[index] = np.asarray(parts[-embedding_dim:], dtype=np.float64)
            except ValueError:
                raise ValueError(
                    f"load_word_vectors: line {line_number} of {path} does not hold {embedding_dim} numbers "
                    f"after the word {word!r}"
                ) from None
    if matrix is None:
        if embedding_dim is None:
            raise ValueError(f"load_word_vectors: {path} holds no word vectors")
        matrix = np.zeros((int(max_words), embedding_dim), dtype=dtype)
    return matrix
