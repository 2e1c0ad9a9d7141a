"""load_word_vectors: GloVe / word2vec text files into an embedding matrix for a word index."""
import gzip

import numpy as np
import pytest

from lamina.preprocessing import text
from lamina.preprocessing.word_vectors import load_word_vectors

GLOVE = "the 0.1 0.2 0.3\ncat -1 2.5 3e-2\nsat 7 8 9\nnew york 4 5 6\n"


def _write(tmp_path, name, content):
    path = tmp_path / name
    if name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_glove_file_into_tokenizer_word_index(tmp_path):
    tokenizer = text.Tokenizer()
    tokenizer.fit_on_texts(["the cat the dog"])  # the: 1, cat: 2, dog: 3
    matrix = load_word_vectors(_write(tmp_path, "glove.txt", GLOVE), tokenizer.word_index)
    assert matrix.shape == (4, 3) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[0], 0)  # padding row
    np.testing.assert_allclose(matrix[1], [0.1, 0.2, 0.3], rtol=1e-7)
    np.testing.assert_allclose(matrix[2], [-1, 2.5, 0.03], rtol=1e-7)
    np.testing.assert_array_equal(matrix[3], 0)  # 'dog' has no vector


def test_max_words_word2vec_header_gzip_and_words_with_spaces(tmp_path):
    path = _write(tmp_path, "vectors.vec.gz", "4 3\n" + GLOVE)
    word_index = {"the": 1, "sat": 5, "new york": 2}
    matrix = load_word_vectors(path, word_index, embedding_dim=3, max_words=3, dtype="float64")
    assert matrix.shape == (3, 3) and matrix.dtype == np.float64
    np.testing.assert_array_equal(matrix[2], [4, 5, 6])  # 'new york'
    np.testing.assert_array_equal(matrix[1], [0.1, 0.2, 0.3])  # 'sat' (index 5) is beyond max_words


def test_matrix_is_what_an_embedding_takes(tmp_path):
    """The book's recipe: the matrix as the weights of a frozen Embedding."""
    import torch

    from lamina import layers

    matrix = load_word_vectors(_write(tmp_path, "glove.txt", GLOVE), {"the": 1, "cat": 2})
    embedding = layers.Embedding(3, 3, weights=[matrix], trainable=False)
    vectors = embedding(torch.tensor([[2, 0]])).detach().numpy()
    np.testing.assert_allclose(vectors[0], [[-1, 2.5, 0.03], [0, 0, 0]], rtol=1e-7)
    assert not embedding.trainable_weights


@pytest.mark.parametrize(
    "content, kwargs, message",
    [
        ("the 0.1 0.2\ncat 1\n", {}, "line 2 of .* has 1 values after the word; expected 2"),
        ("2 3\nthe 1 2 3\n", {"embedding_dim": 4}, "holds 3-dimensional vectors, but embedding_dim=4"),
        ("the 0.1 x\n", {}, "line 1 of .* does not hold 2 numbers after the word 'the'"),
        ("", {}, "holds no word vectors"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path, content, kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_word_vectors(_write(tmp_path, "bad.txt", content), {"the": 1, "cat": 2}, **kwargs)


def test_bad_arguments(tmp_path):
    path = _write(tmp_path, "glove.txt", GLOVE)
    with pytest.raises(TypeError, match="word_index must be a dict"):
        load_word_vectors(path, ["the"])
    with pytest.raises(ValueError, match="max_words must be a positive integer; received 0"):
        load_word_vectors(path, {"the": 1}, max_words=0)
    assert text.load_word_vectors is load_word_vectors
