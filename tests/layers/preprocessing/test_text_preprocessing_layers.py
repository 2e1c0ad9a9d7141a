"""TextVectorization, StringLookup, IntegerLookup and Hashing: Keras's documented behaviour, without TensorFlow.

Keras 3 runs these layers on TensorFlow only, so the expectations here are Keras's documented
examples (its docstrings) and the rules its code states (vocabulary order, index layout, IDF).
"""
import numpy as np
import pytest
import torch

from lamina import layers
from lamina.layers.preprocessing.farmhash import fingerprint64
from lamina.utils import BatchDataset

CORPUS = ["The cat sat on the mat.", "The dog ate my homework!", "A cat, a dog; a MAT?", "the end"]


def test_string_lookup_documented_examples():
    vocab = ["a", "b", "c", "d"]
    data = [["a", "c", "d"], ["d", "z", "b"]]
    assert layers.StringLookup(vocabulary=vocab)(data).tolist() == [[1, 3, 4], [4, 0, 2]]
    two_oov = layers.StringLookup(vocabulary=vocab, num_oov_indices=2)
    assert two_oov([["a", "c", "d"], ["m", "z", "b"]]).tolist() == [[2, 4, 5], [0, 1, 3]]
    assert layers.StringLookup(vocabulary=vocab, output_mode="one_hot")(["a", "b", "c", "d", "z"]).tolist() == \
        [[0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [1, 0, 0, 0, 0]]
    assert layers.StringLookup(vocabulary=vocab, output_mode="multi_hot")(
        [["a", "c", "d", "d"], ["d", "z", "b", "z"]]).tolist() == [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]
    assert layers.StringLookup(vocabulary=vocab, output_mode="count")(
        [["a", "c", "d", "d"], ["d", "z", "b", "z"]]).tolist() == [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]
    tf_idf = layers.StringLookup(output_mode="tf_idf", vocabulary=vocab, idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(tf_idf([["a", "c", "d", "d"], ["d", "z", "b", "z"]]).numpy(),
                               [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], atol=1e-6)
    inverse = layers.StringLookup(vocabulary=vocab, invert=True)
    assert inverse([[1, 3, 4], [4, 0, 2]]).tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]
    masked = layers.StringLookup(vocabulary=vocab, mask_token="")
    assert masked([["a", "", "z"]]).tolist() == [[2, 0, 1]]
    assert masked.get_vocabulary() == ["", "[UNK]", "a", "b", "c", "d"]


def test_string_lookup_adapt_orders_by_frequency_then_reverse_token():
    layer = layers.StringLookup()
    layer.adapt(np.array([["a", "c", "d"], ["d", "z", "b"], ["d", "c", "c"]]))
    assert layer.get_vocabulary() == ["[UNK]", "d", "c", "z", "b", "a"]
    layer = layers.StringLookup(max_tokens=3)
    layer.adapt([["a", "c", "d"], ["d", "z", "b"], ["d", "c", "c"]])
    assert layer.get_vocabulary() == ["[UNK]", "d", "c"] and layer.vocabulary_size() == 3
    assert layer.get_vocabulary(include_special_tokens=False) == ["d", "c"]


def test_multiple_oov_buckets_use_tensorflows_farmhash():
    layer = layers.StringLookup(vocabulary=["a"], num_oov_indices=3)
    words = ["x", "yy", "a longer out of vocabulary token"]
    assert layer(words).tolist() == [fingerprint64(w.encode()) % 3 for w in words]


def test_farmhash_fingerprint64_reference_values():
    # documented: tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3) == [0, 2, 2]
    assert [fingerprint64(s.encode()) % 3 for s in ("Hello", "TensorFlow", "2.x")] == [0, 2, 2]
    # reference implementation (FarmHash's Fingerprint64 via the pyfarmhash bindings) for the longer code paths
    for text, expected in [("lamina keras tokens", 7856676608377828213),
                           ("a sentence that is longer than thirty-two bytes", 14681661630078121103),
                           ("x" * 100, 6590480085648050719),
                           ("The quick brown fox jumps over the lazy dog. " * 3, 18205891532897668313)]:
        assert fingerprint64(text.encode()) == expected


def test_integer_lookup_documented_examples():
    vocab = [12, 36, 1138, 42]
    data = torch.tensor([[12, 1138, 42], [42, 1000, 36]])
    assert layers.IntegerLookup(vocabulary=vocab)(data).tolist() == [[1, 3, 4], [4, 0, 2]]
    layer = layers.IntegerLookup()
    layer.adapt(np.array([[12, 1138, 42], [42, 1000, 36]]))
    assert layer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    two_oov = layers.IntegerLookup(vocabulary=vocab, num_oov_indices=2)
    assert two_oov(torch.tensor([[12, 1138, 42], [37, 1000, 36]])).tolist() == [[2, 4, 5], [1, 0, 3]]
    assert layers.IntegerLookup(vocabulary=vocab, invert=True)(torch.tensor([[1, 3, 4], [4, 0, 2]])).tolist() == \
        [[12, 1138, 42], [42, -1, 36]]
    assert layers.IntegerLookup(vocabulary=vocab, output_mode="multi_hot")(data).tolist() == \
        [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]


def test_lookup_errors_name_the_problem():
    with pytest.raises(ValueError, match="not in the vocabulary and num_oov_indices=0"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["b"])
    with pytest.raises(ValueError, match="special token '\\[UNK\\]' at index 1"):
        layers.StringLookup(vocabulary=["a", "[UNK]"])
    with pytest.raises(ValueError, match="repeated tokens \\['a'\\]"):
        layers.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="unknown output_mode 'bag'; valid modes are 'int'"):
        layers.StringLookup(output_mode="bag")
    with pytest.raises(ValueError, match="invert=True needs output_mode='int'"):
        layers.StringLookup(invert=True, output_mode="count")


def test_text_vectorization_int_mode_matches_keras_rules():
    layer = layers.TextVectorization(max_tokens=8, output_sequence_length=6)
    layer.adapt(CORPUS)
    vocabulary = layer.get_vocabulary()
    # the=4, a=3 ("A" and "a" lowercased), cat=2, dog=2, mat=2 (punctuation stripped); ties in reverse order
    assert vocabulary == ["", "[UNK]", "the", "a", "mat", "dog", "cat", "sat"]
    out = layer(["The cat ate THE mat", "unknown words here and many more tokens"])
    assert out.dtype == torch.int64
    assert out.tolist() == [[2, 6, 1, 2, 4, 0], [1, 1, 1, 1, 1, 1]]
    assert layer(np.array([["the end"]])).tolist() == [[2, 1, 0, 0, 0, 0]]
    assert layers.TextVectorization(vocabulary=["x", "y"])(["y x z", "x"]).tolist() == [[3, 2, 1], [2, 0, 0]]


def test_text_vectorization_encoding_modes_and_ngrams():
    layer = layers.TextVectorization(output_mode="multi_hot", ngrams=2)
    layer.adapt(["a b", "a c"])
    vocabulary = layer.get_vocabulary()
    assert vocabulary[:2] == ["[UNK]", "a"] and set(vocabulary[2:]) == {"b", "c", "a b", "a c"}
    out = layer(["a b d"])
    expected = [0.0] * len(vocabulary)
    for token in ["a", "b", "a b"]:
        expected[vocabulary.index(token)] = 1.0
    expected[0] = 1.0  # "d" and "b d" are out of vocabulary
    assert out.tolist() == [expected]
    counts = layers.TextVectorization(output_mode="count", vocabulary=["a", "b"])(["a a b z z z"])
    assert counts.tolist() == [[3.0, 2.0, 1.0]]
    padded = layers.TextVectorization(output_mode="multi_hot", max_tokens=6, pad_to_max_tokens=True,
                                      vocabulary=["a", "b"])(["b"])
    assert padded.tolist() == [[0.0, 0.0, 1.0, 0.0, 0.0, 0.0]]


def test_text_vectorization_tf_idf_uses_keras_idf():
    layer = layers.TextVectorization(output_mode="tf_idf")
    layer.adapt(["a a b", "a c", "a"])
    vocabulary = layer.get_vocabulary()
    assert vocabulary == ["[UNK]", "a", "c", "b"]
    idf = {t: np.log(1 + 3 / (1 + df)) for t, df in {"a": 3, "c": 1, "b": 1}.items()}
    oov_idf = np.mean(list(idf.values()))
    out = layer(["a a b zz"]).numpy()[0]
    np.testing.assert_allclose(out, [oov_idf, 2 * idf["a"], 0.0, idf["b"]], rtol=1e-6)


def test_text_vectorization_character_split_custom_standardize_and_datasets():
    layer = layers.TextVectorization(split="character", standardize=lambda s: s.upper())
    layer.adapt(["abca"])
    assert layer.get_vocabulary() == ["", "[UNK]", "A", "C", "B"]
    assert layer(["cab"]).tolist() == [[3, 2, 4]]

    class Texts(BatchDataset):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.array([CORPUS[2 * index], CORPUS[2 * index + 1]], dtype=object), np.array([0, 1])

    from_dataset = layers.TextVectorization(max_tokens=8)
    from_dataset.adapt(Texts())
    assert from_dataset.get_vocabulary() == ["", "[UNK]", "the", "a", "mat", "dog", "cat", "sat"]
    mapped = Texts().map(lambda x, y: (from_dataset(x), y))
    x, y = mapped[0]
    assert isinstance(x, torch.Tensor) and x.shape[0] == 2 and y.tolist() == [0, 1]


def test_text_vectorization_feeds_an_embedding_model():
    from lamina.models import Sequential

    vectorizer = layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorizer.adapt(CORPUS)
    model = Sequential([layers.Embedding(20, 4, mask_zero=True), layers.LSTM(3), layers.Dense(1)])
    assert model(vectorizer(CORPUS)).shape == (4, 1)


def test_text_vectorization_arguments_are_checked():
    with pytest.raises(ValueError, match="unknown standardize 'upper'"):
        layers.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="output_sequence_length only applies to output_mode='int'"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="the input must be \\(batch,\\) or \\(batch, 1\\)"):
        layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))


def test_hashing_documented_examples():
    data = [["A"], ["B"], ["C"], ["D"], ["E"]]
    assert layers.Hashing(num_bins=3)(data).tolist() == [[1], [0], [1], [1], [2]]
    assert layers.Hashing(num_bins=3, mask_value="")([["A"], ["B"], [""], ["C"], ["D"]]).tolist() == \
        [[1], [1], [0], [2], [2]]
    ints = layers.Hashing(num_bins=5)(np.array([[7], [42]]))
    assert ints.tolist() == [[fingerprint64(b"7") % 5], [fingerprint64(b"42") % 5]]
    one_hot = layers.Hashing(num_bins=3, output_mode="one_hot")(["A", "B"])
    assert one_hot.tolist() == [[0, 1, 0], [1, 0, 0]]
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(num_bins=3, salt=133)


def test_config_round_trips():
    layer = layers.TextVectorization(max_tokens=10, output_sequence_length=4, ngrams=(1, 2))
    layer.adapt(CORPUS)
    clone = layers.TextVectorization.from_config(layer.get_config())
    assert clone.get_vocabulary() == layer.get_vocabulary()
    assert clone(CORPUS).tolist() == layer(CORPUS).tolist()
    lookup = layers.IntegerLookup(vocabulary=[3, 1], mask_token=0)
    assert layers.IntegerLookup.from_config(lookup.get_config()).get_vocabulary() == [0, -1, 3, 1]
