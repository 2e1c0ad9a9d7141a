"""lamina.preprocessing.text against Keras 2's reference implementation (the keras-preprocessing package)."""
import json

import numpy as np
import pytest

from lamina.preprocessing import text

from keras_preprocessing import text as reference  # Keras 2 reference (test extra)

CORPUS = [
    "The cat sat on the mat.",
    "The dog ate my homework!",
    "A cat, a dog, and a bird; the BIRD sang.",
    "Tabs\tand\nnewlines -- and 'quotes' stay",
    "",
    "héllo wörld, héllo again",
    "numbers 1 2 3 and 1 again and again",
    "the the the end",
]
UNSEEN = ["the unknown cat", "completely new words", "", "bird bird dog héllo"]

CONFIGS = [
    {},
    {"num_words": 5},
    {"num_words": 1},
    {"oov_token": "<unk>"},
    {"num_words": 6, "oov_token": "<unk>"},
    {"lower": False},
    {"filters": ""},
    {"split": ","},
    {"char_level": True},
    {"char_level": True, "num_words": 8, "oov_token": "~"},
]


def _fitted(module, config, corpus=CORPUS):
    tokenizer = module.Tokenizer(**config)
    tokenizer.fit_on_texts(corpus)
    return tokenizer


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default")
def test_tokenizer_matches_keras2(config):
    ours, theirs = _fitted(text, config), _fitted(reference, config)
    assert ours.word_index == theirs.word_index
    assert list(ours.word_index) == list(theirs.word_index)  # same order of equal-count words
    assert ours.index_word == theirs.index_word
    assert ours.word_counts == theirs.word_counts
    assert dict(ours.word_docs) == dict(theirs.word_docs)
    assert dict(ours.index_docs) == dict(theirs.index_docs)
    assert ours.document_count == theirs.document_count
    for texts in (CORPUS, UNSEEN):
        sequences = ours.texts_to_sequences(texts)
        assert sequences == theirs.texts_to_sequences(texts)
        assert ours.sequences_to_texts(sequences) == theirs.sequences_to_texts(sequences)
        for mode in text.MATRIX_MODES:
            expected = theirs.texts_to_matrix(texts, mode=mode)
            got = ours.texts_to_matrix(texts, mode=mode)
            assert got.dtype == expected.dtype and got.shape == expected.shape
            np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)


def test_token_lists_and_generators_match_keras2():
    tokens = [["Alpha", "beta", "beta"], ["gamma", "ALPHA"]]
    ours, theirs = _fitted(text, {}, tokens), _fitted(reference, {}, tokens)
    assert ours.word_index == theirs.word_index == {"alpha": 1, "beta": 2, "gamma": 3}  # ties: first seen
    assert list(ours.texts_to_sequences_generator(iter(tokens))) == theirs.texts_to_sequences(tokens)
    generated = _fitted(text, {}, (sentence for sentence in CORPUS))
    assert generated.word_index == _fitted(reference, {}).word_index


def test_fit_on_sequences_and_sequences_to_matrix_match_keras2():
    sequences = [[1, 2, 2, 3], [3, 3, 9], [], [4]]
    ours, theirs = text.Tokenizer(num_words=6), reference.Tokenizer(num_words=6)
    ours.fit_on_sequences(sequences)
    theirs.fit_on_sequences(sequences)
    assert dict(ours.index_docs) == dict(theirs.index_docs) and ours.document_count == theirs.document_count
    for mode in text.MATRIX_MODES:
        np.testing.assert_allclose(ours.sequences_to_matrix(sequences, mode=mode),
                                   theirs.sequences_to_matrix(sequences, mode=mode), rtol=1e-15, atol=0)


def test_json_round_trip_and_interoperability_with_keras2():
    ours = _fitted(text, {"num_words": 7, "oov_token": "<unk>"})
    theirs = _fitted(reference, {"num_words": 7, "oov_token": "<unk>"})
    assert json.loads(ours.to_json()) == json.loads(theirs.to_json())
    from_keras = text.tokenizer_from_json(theirs.to_json())
    to_keras = reference.tokenizer_from_json(ours.to_json())
    for loaded in (from_keras, to_keras):
        assert loaded.word_index == theirs.word_index and loaded.num_words == 7
        assert loaded.texts_to_sequences(UNSEEN) == theirs.texts_to_sequences(UNSEEN)
    np.testing.assert_allclose(from_keras.texts_to_matrix(UNSEEN, "tfidf"), theirs.texts_to_matrix(UNSEEN, "tfidf"))
    from_keras.fit_on_texts(["more text"])  # the loaded tokenizer keeps counting
    assert from_keras.word_counts["text"] == 1 and from_keras.document_count == theirs.document_count + 1
    assert ours.get_config()["word_index"] == json.dumps(ours.word_index)


def test_text_to_word_sequence_matches_keras2():
    for sample in CORPUS + ["  spaces   everywhere  ", "a--b..c"]:
        for kwargs in ({}, {"lower": False}, {"filters": "-"}, {"split": "-"}):
            assert text.text_to_word_sequence(sample, **kwargs) == reference.text_to_word_sequence(sample, **kwargs)


def test_hashing_trick_and_one_hot_match_keras2():
    for sample in CORPUS:
        for n in (2, 7, 1000):
            assert text.hashing_trick(sample, n, "md5") == reference.hashing_trick(sample, n, "md5")
            assert text.one_hot(sample, n) == reference.one_hot(sample, n)  # same process, same str hash
            assert text.hashing_trick(sample, n, len) == reference.hashing_trick(sample, n, len)
    codes = text.hashing_trick("the cat the", 10, hash_function="md5")
    assert codes[0] == codes[2] and all(1 <= c <= 9 for c in codes)


def test_analyzer_replaces_splitting():
    def analyzer(sentence):
        return sentence.split("|")

    tokenizer = text.Tokenizer(analyzer=analyzer)
    tokenizer.fit_on_texts(["A|b|b"])
    assert tokenizer.word_index == {"b": 1, "A": 2}
    assert text.hashing_trick("x|x", 5, "md5", analyzer=analyzer) == reference.hashing_trick("x|x", 5, "md5")[:1] * 2


def test_keras2_nb_words_spelling():
    with pytest.warns(UserWarning, match="num_words"):
        tokenizer = text.Tokenizer(nb_words=3)
    assert tokenizer.num_words == 3


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: text.Tokenizer(num_wordz=3), "unexpected keyword arguments \\['num_wordz'\\]"),
        (lambda: text.Tokenizer(num_words=-1), "num_words must be a non-negative integer"),
        (lambda: text.Tokenizer().texts_to_matrix(["a"]), "pass num_words to Tokenizer or fit it"),
        (lambda: text.Tokenizer(num_words=5).texts_to_matrix(["a"], mode="tfidf"), "before mode='tfidf'"),
        (lambda: _fitted(text, {}).texts_to_matrix(["a"], mode="onehot"),
         "unknown mode 'onehot'; expected one of \\('binary', 'count', 'tfidf', 'freq'\\)"),
        (lambda: text.Tokenizer(num_words=5).sequences_to_matrix([[1, -2]]), "negative index -2"),
        (lambda: text.Tokenizer().fit_on_texts("one long string"), "not a single str"),
        (lambda: text.Tokenizer().fit_on_texts([3]), "each text must be a str or a list of tokens; received int"),
        (lambda: text.hashing_trick("a", 1), "n \\(the size of the hashing space\\) must be an integer >= 2"),
        (lambda: text.hashing_trick("a", 5, hash_function="sha1"), "hash_function must be None, 'md5'"),
        (lambda: text.tokenizer_from_json('{"config": {}}'), "not a Tokenizer JSON string"),
    ],
)
def test_bad_input_raises_clear_errors(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_book_example():
    """DLwP 6.1: word_index, texts_to_sequences and binary matrix of the two samples."""
    samples = ["The cat sat on the mat.", "The dog ate my homework."]
    tokenizer = text.Tokenizer(num_words=1000)
    tokenizer.fit_on_texts(samples)
    assert len(tokenizer.word_index) == 9 and tokenizer.word_index["the"] == 1
    matrix = tokenizer.texts_to_matrix(samples, mode="binary")
    assert matrix.shape == (2, 1000)
    assert matrix[0, tokenizer.word_index["mat"]] == 1 and matrix[1, tokenizer.word_index["mat"]] == 0
