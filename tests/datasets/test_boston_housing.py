"""boston_housing: the bundled real table gives Keras's exact split (checked against Keras's own loader)."""
import numpy as np
import pytest

from lamina.datasets import boston_housing


def test_bundled_table_with_keras_split(keras, monkeypatch):
    from keras.src.datasets import boston_housing as keras_boston

    monkeypatch.setattr(keras_boston, "get_file", lambda *args, **kwargs: boston_housing.BUNDLED_PATH)
    for kwargs in ({}, {"test_split": 0.3, "seed": 7}, {"test_split": 0.0}):
        ours, theirs = boston_housing.load_data(**kwargs), keras_boston.load_data(**kwargs)
        for got, expected in zip(sum(ours, ()), sum(theirs, ())):
            assert got.dtype == expected.dtype == np.float64
            np.testing.assert_array_equal(got, expected)


def test_shapes_and_the_values_printed_in_the_book():
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (404, 13) and x_test.shape == (102, 13)
    assert y_train.shape == (404,) and y_test.shape == (102,)
    # DLwP 3.6: train_targets[:10] and train_data[0] of Keras's boston_housing.load_data()
    assert y_train[:10].tolist() == [15.2, 42.3, 50.0, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4]
    np.testing.assert_array_equal(
        x_train[0], [1.23247, 0.0, 8.14, 0.0, 0.538, 6.142, 91.7, 3.9769, 4.0, 307.0, 21.0, 396.9, 18.72]
    )


def test_local_npz_path_and_bad_split(tmp_path):
    path = tmp_path / "boston.npz"
    np.savez(path, x=np.arange(20.0).reshape(10, 2), y=np.arange(10.0))
    (x_train, y_train), (x_test, _) = boston_housing.load_data(path=str(path), test_split=0.3)
    assert x_train.shape == (7, 2) and x_test.shape == (3, 2)
    np.testing.assert_array_equal(x_train[:, 0] / 2, y_train)
    with pytest.raises(ValueError, match="test_split must be in \\[0, 1\\); received test_split=1.5"):
        boston_housing.load_data(test_split=1.5)
