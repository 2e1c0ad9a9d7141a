"""The book's MNIST convnet (DLwP 5.1) trained by lamina and by Keras 3 on the bundled real MNIST sample."""
import numpy as np
import pytest

import lamina


def _convnet(lib):
    layers = lib.layers
    model = lib.Sequential([
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.slow
def test_book_convnet_reaches_keras_accuracy_on_real_mnist(keras):
    (x_train, y_train), (x_test, y_test) = lamina.datasets.mnist.load_sample()
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
    y_train = lamina.utils.to_categorical(y_train)
    y_test = lamina.utils.to_categorical(y_test)
    keras.utils.set_random_seed(0)
    theirs, ours = _convnet(keras), _convnet(lamina)
    assert ours.count_params() == theirs.count_params() == 93322
    ours.set_weights(theirs.get_weights())
    fit = dict(epochs=3, batch_size=64, shuffle=False, verbose=0)
    theirs_history = theirs.fit(x_train, y_train, **fit)
    ours_history = ours.fit(x_train, y_train, **fit)
    np.testing.assert_allclose(ours_history.history["loss"], theirs_history.history["loss"], rtol=0.02)
    _, theirs_accuracy = theirs.evaluate(x_test, y_test, verbose=0)
    _, ours_accuracy = ours.evaluate(x_test, y_test, verbose=0)
    assert ours_accuracy >= theirs_accuracy - 0.01, (ours_accuracy, theirs_accuracy)
    assert ours_accuracy > 0.9
