"""Keras 2's text utilities (``keras.preprocessing.text``): ``Tokenizer``, ``one_hot``, ``hashing_trick``.

Keras 3 removed this module; lamina keeps it with Keras 2's exact behaviour (word
indices ordered by frequency, ties in first-seen order, index 0 reserved, only the
``num_words - 1`` most frequent words used) and its JSON format, so a tokenizer saved
by Keras 2's ``to_json`` loads here and the other way round.

Example:
    >>> tokenizer = Tokenizer(num_words=1000)
    >>> tokenizer.fit_on_texts(["The cat sat on the mat.", "The dog ate my homework."])
    >>> tokenizer.word_index["the"], tokenizer.texts_to_sequences(["the cat"])
    (1, [[1, 2]])
"""
import collections
import hashlib
import json
import warnings

import numpy as np

from lamina.preprocessing.word_vectors import load_word_vectors  # noqa: F401  (public here, as in the book)

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MATRIX_MODES = ("binary", "count", "tfidf", "freq")


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Split a text into words: lower-case it, turn every ``filters`` character into ``split``, split.

    Example:
        >>> text_to_word_sequence("This is a sample sentence.")
        ['this', 'is', 'a', 'sample', 'sentence']
    """
    if not isinstance(input_text, str):
        raise TypeError(f"text_to_word_sequence: input_text must be a str; received {type(input_text).__name__}")
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in input_text.split(split) if word]


def _md5_hash(word):
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """Map each word of ``text`` to ``hash(word) % (n - 1) + 1`` (indices in ``[1, n - 1]``; 0 stays free).

    Args:
        text: the text.
        n: size of the hashing space (at least 2).
        hash_function: ``None`` (Python's ``hash``: salted per process unless
            ``PYTHONHASHSEED`` is set), ``"md5"`` (stable across runs) or a function
            from a string to an int.
        filters, lower, split: as in :func:`text_to_word_sequence`.
        analyzer: a function from the text to its tokens, replacing the above.

    Example:
        >>> hashing_trick("the cat the", 10, hash_function="md5")
        [6, 3, 6]
    """
    if isinstance(n, bool) or int(n) != n or n < 2:
        raise ValueError(f"hashing_trick: n (the size of the hashing space) must be an integer >= 2; received n={n!r}")
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5_hash
    elif not callable(hash_function):
        raise ValueError(
            f"hashing_trick: hash_function must be None, 'md5' or a function; received {hash_function!r}"
        )
    words = analyzer(text) if analyzer is not None else text_to_word_sequence(text, filters, lower, split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text, n, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """Keras 2's ``one_hot``: :func:`hashing_trick` with Python's ``hash`` (word indices in ``[1, n - 1]``).

    Example:
        >>> codes = one_hot("The cat and the hat", 50)
        >>> len(codes), codes[0] == codes[3], all(1 <= c < 50 for c in codes)
        (5, True, True)
    """
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower, split=split,
                         analyzer=analyzer)


class Tokenizer:
    """Turn texts into sequences of word indices, or into bag-of-words matrices.

    Args:
        num_words: if set, only the ``num_words - 1`` most frequent words are used when
            converting texts (indices below ``num_words``); the vocabulary keeps them all.
        filters: characters removed from texts (default: punctuation, tab, newline).
        lower: lower-case the texts.
        split: the word separator.
        char_level: every character is a token.
        oov_token: a token that takes index 1 and replaces unknown (and, with
            ``num_words``, too rare) words instead of dropping them.
        analyzer: a function from a text to its tokens, replacing filters/lower/split.
        document_count: number of documents already seen (set by ``tokenizer_from_json``).

    Attributes:
        word_index: word -> index (1 = most frequent, or ``oov_token``).
        index_word: index -> word.
        word_counts: word -> number of occurrences (ordered by first appearance).
        word_docs: word -> number of texts containing it.
        index_docs: index -> number of texts containing it.
        document_count: number of texts (or sequences) fitted.

    Example:
        >>> tok = Tokenizer(oov_token="<unk>")
        >>> tok.fit_on_texts(["a b b", "b c"])
        >>> tok.word_index, tok.texts_to_sequences(["b z a"])
        ({'<unk>': 1, 'b': 2, 'a': 3, 'c': 4}, [[2, 1, 3]])
        >>> tok.texts_to_matrix(["b b"], mode="count").tolist()
        [[0.0, 0.0, 2.0, 0.0, 0.0]]
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ", char_level=False,
                 oov_token=None, analyzer=None, **kwargs):
        if "nb_words" in kwargs:
            warnings.warn("Tokenizer: the `nb_words` argument has been renamed `num_words`.", stacklevel=2)
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(
                f"Tokenizer: unexpected keyword arguments {sorted(kwargs)}; expected num_words, filters, lower, "
                "split, char_level, oov_token, analyzer, document_count"
            )
        if num_words is not None and (isinstance(num_words, bool) or int(num_words) != num_words or num_words < 0):
            raise ValueError(f"Tokenizer: num_words must be a non-negative integer or None; received {num_words!r}")
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.split = split
        self.char_level = char_level
        self.oov_token = oov_token
        self.analyzer = analyzer
        self.document_count = document_count
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.index_docs = collections.defaultdict(int)
        self.word_index = {}
        self.index_word = {}

    def _tokens(self, text):
        """The tokens of one text (a string, or a list of tokens used as they are)."""
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [token.lower() for token in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        if not isinstance(text, str):
            raise TypeError(
                f"Tokenizer: each text must be a str or a list of tokens; received {type(text).__name__} {text!r}"
            )
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts):
        """Count the words of ``texts`` (strings, or lists of tokens) and rebuild ``word_index``.

        Example:
            >>> tok = Tokenizer()
            >>> tok.fit_on_texts(["to be or not to be"])
            >>> list(tok.word_index)
            ['to', 'be', 'or', 'not']
        """
        if isinstance(texts, str):
            raise TypeError("Tokenizer.fit_on_texts: texts must be a list of texts, not a single str")
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for token in tokens:
                self.word_counts[token] = self.word_counts.get(token, 0) + 1
            for token in set(tokens):
                self.word_docs[token] += 1
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        # A stable sort: words of equal count keep the order in which they were first seen.
        vocabulary.extend(word for word, _ in sorted(self.word_counts.items(), key=lambda item: -item[1]))
        self.word_index = {word: index for index, word in enumerate(vocabulary, start=1)}
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in self.word_docs.items():
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences):
        """Count in how many sequences each index occurs (needed for ``tfidf`` without ``fit_on_texts``).

        Example:
            >>> tok = Tokenizer(num_words=4)
            >>> tok.fit_on_sequences([[1, 2, 2], [2, 3]])
            >>> tok.document_count, dict(tok.index_docs)
            (2, {1: 1, 2: 2, 3: 1})
        """
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[index] += 1

    def texts_to_sequences(self, texts):
        """Each text as the list of its words' indices (unknown words dropped, or ``oov_token``).

        Example:
            >>> tok = Tokenizer(num_words=3)
            >>> tok.fit_on_texts(["a a a b b c"])
            >>> tok.texts_to_sequences(["a b c d"])
            [[1, 2]]
        """
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Generator version of :meth:`texts_to_sequences` (one list per text).

        Example:
            >>> tok = Tokenizer()
            >>> tok.fit_on_texts(["x y"])
            >>> next(tok.texts_to_sequences_generator(["y x"]))
            [2, 1]
        """
        if isinstance(texts, str):
            raise TypeError("Tokenizer.texts_to_sequences: texts must be a list of texts, not a single str")
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            sequence = []
            for token in self._tokens(text):
                index = self.word_index.get(token)
                if index is None or (num_words and index >= num_words):
                    if oov_index is not None:
                        sequence.append(oov_index)
                else:
                    sequence.append(index)
            yield sequence

    def sequences_to_texts(self, sequences):
        """Each sequence of indices back to a space-separated string of words.

        Example:
            >>> tok = Tokenizer()
            >>> tok.fit_on_texts(["hello world"])
            >>> tok.sequences_to_texts([[2, 1]])
            ['world hello']
        """
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Generator version of :meth:`sequences_to_texts`.

        Example:
            >>> tok = Tokenizer()
            >>> tok.fit_on_texts(["hello world"])
            >>> next(tok.sequences_to_texts_generator([[1]]))
            'hello'
        """
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for sequence in sequences:
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is None or (num_words and index >= num_words):
                    if oov_index is not None:
                        words.append(self.index_word[oov_index])
                else:
                    words.append(word)
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary"):
        """Bag-of-words rows ``(len(texts), num_words)``: see :meth:`sequences_to_matrix`.

        Example:
            >>> tok = Tokenizer(num_words=4)
            >>> tok.fit_on_texts(["a a b c"])
            >>> tok.texts_to_matrix(["a c c"], mode="binary").tolist()
            [[0.0, 1.0, 0.0, 1.0]]
        """
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """Bag-of-words float64 rows; column ``j`` describes word index ``j`` (indices >= num_words ignored).

        Modes: ``"binary"`` (1 if present), ``"count"``, ``"freq"`` (count / sequence
        length) and ``"tfidf"`` (``(1 + log count) * log(1 + documents / (1 + documents
        containing the word))``). Without ``num_words`` the width is ``len(word_index) + 1``.

        Example:
            >>> tok = Tokenizer(num_words=3)
            >>> tok.sequences_to_matrix([[1, 1, 2, 7]], mode="freq").tolist()
            [[0.0, 0.5, 0.25]]
        """
        if mode not in MATRIX_MODES:
            raise ValueError(f"Tokenizer.sequences_to_matrix: unknown mode {mode!r}; expected one of {MATRIX_MODES}")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError(
                "Tokenizer.sequences_to_matrix: the matrix width is unknown; pass num_words to Tokenizer "
                "or fit it on some texts first"
            )
        if mode == "tfidf":
            if not self.document_count:
                raise ValueError("Tokenizer.sequences_to_matrix: fit the Tokenizer on some data before mode='tfidf'")
            docs = np.zeros(width)
            for index, count in self.index_docs.items():
                if 0 <= index < width:
                    docs[index] = count
            idf = np.log(1 + self.document_count / (1 + docs))
        matrix = np.zeros((len(sequences), width))
        for row, sequence in enumerate(sequences):
            if not len(sequence):
                continue
            indices = np.asarray(sequence, dtype=np.int64)
            if indices.min() < 0:
                raise ValueError(
                    f"Tokenizer.sequences_to_matrix: sequence {row} holds the negative index {int(indices.min())}"
                )
            counts = np.bincount(indices[indices < width], minlength=width)
            present = counts > 0
            if mode == "binary":
                matrix[row, present] = 1
            elif mode == "count":
                matrix[row] = counts
            elif mode == "freq":
                matrix[row, present] = counts[present] / len(sequence)
            else:
                matrix[row, present] = (1 + np.log(counts[present])) * idf[present]
        return matrix

    def get_config(self):
        """The configuration and vocabulary in Keras 2's format (dictionaries as JSON strings).

        Example:
            >>> Tokenizer(num_words=5).get_config()["num_words"]
            5
        """
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """The tokenizer as a JSON string (``kwargs`` go to ``json.dumps``); see :func:`tokenizer_from_json`.

        Example:
            >>> tok = Tokenizer()
            >>> tok.fit_on_texts(["a b"])
            >>> tokenizer_from_json(tok.to_json()).word_index
            {'a': 1, 'b': 2}
        """
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """Rebuild a :class:`Tokenizer` from :meth:`Tokenizer.to_json` output (lamina's or Keras 2's).

    Example:
        >>> tokenizer_from_json(Tokenizer(num_words=7).to_json()).num_words
        7
    """
    try:
        payload = json.loads(json_string)
        config = dict(payload["config"])
        word_counts = json.loads(config.pop("word_counts"))
        word_docs = json.loads(config.pop("word_docs"))
        index_docs = json.loads(config.pop("index_docs"))
        index_word = json.loads(config.pop("index_word"))
        word_index = json.loads(config.pop("word_index"))
    except (TypeError, KeyError, ValueError) as error:
        raise ValueError(
            f"tokenizer_from_json: not a Tokenizer JSON string (as written by Tokenizer.to_json): {error}"
        ) from None
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = collections.OrderedDict(word_counts)
    tokenizer.word_docs = collections.defaultdict(int, word_docs)
    tokenizer.index_docs = collections.defaultdict(int, {int(k): v for k, v in index_docs.items()})
    tokenizer.index_word = {int(k): v for k, v in index_word.items()}
    tokenizer.word_index = word_index
    return tokenizer
