"""pad_sequences against keras.utils.pad_sequences (Keras 3)."""
import itertools

import numpy as np
import pytest

from lamina.utils import pad_sequences

RNG = np.random.RandomState(0)
INT_SEQUENCES = [list(RNG.randint(1, 100, size=RNG.randint(0, 12))) for _ in range(40)]


@pytest.mark.parametrize(
    "padding, truncating, maxlen",
    list(itertools.product(("pre", "post"), ("pre", "post"), (None, 1, 5, 20))),
)
def test_matches_keras_on_integer_sequences(keras, padding, truncating, maxlen):
    for dtype, value in (("int32", 0.0), ("int64", -1), ("float32", 0.5)):
        kwargs = dict(maxlen=maxlen, dtype=dtype, padding=padding, truncating=truncating, value=value)
        expected = keras.utils.pad_sequences(INT_SEQUENCES, **kwargs)
        got = pad_sequences(INT_SEQUENCES, **kwargs)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def test_matches_keras_on_strings_feature_vectors_and_arrays(keras):
    words = [["a", "bb"], ["c"], [], ["d", "e", "f"]]
    for kwargs in ({"dtype": object, "value": "<pad>"}, {"dtype": "<U5", "value": "_", "maxlen": 2}):
        np.testing.assert_array_equal(pad_sequences(words, **kwargs), keras.utils.pad_sequences(words, **kwargs))
    vectors = [RNG.rand(3, 2), RNG.rand(1, 2), np.zeros((0, 2))]
    np.testing.assert_array_equal(pad_sequences(vectors, dtype="float32"),
                                  keras.utils.pad_sequences(vectors, dtype="float32"))
    two_d = np.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(pad_sequences(two_d, maxlen=3), keras.utils.pad_sequences(two_d, maxlen=3))


def test_edge_cases():
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences([[], []]).shape == (2, 0)
    assert pad_sequences([[1, 2]], maxlen=0).shape == (1, 0)
    assert pad_sequences([[1.0, 2.0], [3.0]]).tolist() == [[1, 2], [0, 3]]  # integral floats convert exactly


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: pad_sequences([[1, 2.5], [3]]),
         "sequence 0 holds non-integer values .* dtype=int32 would truncate them"),
        (lambda: pad_sequences([[1], [np.nan]]), "sequence 1 holds non-integer values"),
        (lambda: pad_sequences([[1], [2**40]]), "sequence 1 holds values outside the range of dtype int32"),
        (lambda: pad_sequences([["a"], ["b"]]), "holds <U1 values, which cannot be stored as dtype int32"),
        (lambda: pad_sequences([["a"]], value="x"), "dtype='int32' cannot hold the string padding value 'x'"),
        (lambda: pad_sequences([[1]], padding="middle"), "padding must be one of \\('pre', 'post'\\)"),
        (lambda: pad_sequences([[1]], truncating="both"), "truncating must be one of"),
        (lambda: pad_sequences([[1], 2]), "item 1 is int 2"),
        (lambda: pad_sequences(5), "sequences must be a list of sequences; received int"),
        (lambda: pad_sequences([[1]], maxlen=-2), "maxlen must be a non-negative integer"),
        (lambda: pad_sequences([np.zeros((2, 3)), np.zeros((2, 4))], dtype="float32"),
         "sequence 1 has items of shape \\(4,\\), but earlier items have shape \\(3,\\)"),
    ],
)
def test_bad_input_raises_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
