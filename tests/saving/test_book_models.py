"""The book's models: saved and loaded (.keras and .h5), they predict identically and keep training identically."""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.saving import load_model

from saving_helpers import assert_same_predictions, assert_same_weights


def imdb(rng):
    model = lamina.Sequential([layers.Dense(16, activation="relu", input_shape=(100,)),
                               layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    x = (rng.random((64, 100)) < 0.1).astype("float32")
    return model, x, (x[:, :50].sum(1) > x[:, 50:].sum(1)).astype("float32")


def reuters(rng):
    model = lamina.Sequential([layers.Dense(64, activation="relu", input_shape=(100,)),
                               layers.Dense(64, activation="relu"), layers.Dense(46, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    x = (rng.random((64, 100)) < 0.1).astype("float32")
    return model, x, np.eye(46, dtype="float32")[rng.integers(0, 46, 64)]


def boston(rng):
    model = lamina.Sequential([layers.Dense(64, activation="relu", input_shape=(13,)), layers.Dense(64,
                               activation="relu"), layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    x = rng.random((64, 13), dtype=np.float32)
    return model, x, x.sum(1, keepdims=True)


def mnist_convnet(rng):
    model = lamina.Sequential([layers.Conv2D(8, (3, 3), activation="relu", input_shape=(28, 28, 1)),
                               layers.MaxPooling2D((2, 2)), layers.Conv2D(8, (3, 3), activation="relu"),
                               layers.MaxPooling2D((2, 2)), layers.Flatten(), layers.Dropout(0.5),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, rng.random((32, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, 32)


def text_lstm(rng):
    model = lamina.Sequential([layers.Embedding(200, 8, input_length=20), layers.LSTM(8),
                               layers.Dense(1, activation="sigmoid")])
    model.build((None, 20))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    return model, rng.integers(1, 200, (32, 20)).astype("int32"), rng.integers(0, 2, 32).astype("float32")


def question_answering(rng):
    text = layers.Input((None,), dtype="int32", name="text")
    question = layers.Input((None,), dtype="int32", name="question")
    t = layers.LSTM(8)(layers.Embedding(100, 8)(text))
    q = layers.LSTM(4)(layers.Embedding(100, 4)(question))
    answer = layers.Dense(20, activation="softmax")(layers.concatenate([t, q], axis=-1))
    model = lamina.Model([text, question], answer)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["acc"])
    x = [rng.integers(1, 100, (32, 12)).astype("int32"), rng.integers(1, 100, (32, 6)).astype("int32")]
    return model, x, np.eye(20, dtype="float32")[rng.integers(0, 20, 32)]


def residual(rng):
    x = layers.Input((8, 8, 4))
    y = layers.Conv2D(4, 3, activation="relu", padding="same")(x)
    y = layers.BatchNormalization()(y)
    y = layers.add([y, x])
    out = layers.Dense(1)(layers.GlobalAveragePooling2D()(y))
    model = lamina.Model(x, out)
    model.compile(optimizer="adam", loss="mse")
    return model, rng.random((16, 8, 8, 4), dtype=np.float32), rng.random((16, 1), dtype=np.float32)


BOOK = [imdb, reuters, boston, mnist_convnet, text_lstm, question_answering, residual]


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("build", BOOK, ids=[b.__name__ for b in BOOK])
def test_book_model_round_trip_and_continued_training(build, suffix, tmp_path, rng):
    model, x, y = build(rng)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    model.save(tmp_path / f"m{suffix}")
    loaded = load_model(tmp_path / f"m{suffix}")
    assert_same_predictions(model, loaded, x)
    torch.manual_seed(5)
    expected = model.fit(x, y, batch_size=16, epochs=1, verbose=0).history
    torch.manual_seed(5)
    got = loaded.fit(x, y, batch_size=16, epochs=1, verbose=0).history
    assert got == expected
    assert_same_weights(model, loaded)
