"""A loss that reads an inner layer's symbolic output (seed 002) gets the current forward pass's values in fit/evaluate."""
import numpy as np
import pytest
import torch

import lamina.compat.tensorflow as tf
from lamina import backend as K
from lamina.layers import Dense, Input
from lamina.losses import mean_squared_error
from lamina.models import Model


class SymmetryPenalty:
    """Seed 002's pattern: binary cross-entropy plus alpha * MSE between an inner feature map and its transpose."""

    def __init__(self, model, alpha):
        self.layer = model.get_layer("features").output
        self.alpha = alpha
        self.__name__ = "SymmetryPenalty"

    def __call__(self, y_true, y_pred):
        square = K.reshape(self.layer, (-1, 3, 3))
        penalty = mean_squared_error(square, tf.transpose(square, perm=[0, 2, 1]))
        return K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1) + self.alpha * K.mean(penalty, axis=-1)


def _model():
    x = Input((4,))
    features = Dense(9, name="features")(x)
    y = Dense(2, activation="sigmoid", name="out")(features)
    return Model(x, y)


def test_evaluate_uses_the_inner_tensor_of_the_current_batch():
    model = _model()
    model.compile(optimizer="sgd", loss=SymmetryPenalty(model, 10.0))
    rng = np.random.RandomState(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.randint(0, 2, size=(16, 2)).astype("float32")
    loss = model.evaluate(x, y, batch_size=16, verbose=0)
    with torch.no_grad():
        features = model.get_layer("features")(torch.tensor(x)).numpy().reshape(-1, 3, 3)
        pred = model(torch.tensor(x)).numpy()
    p = np.clip(pred, 1e-7, 1 - 1e-7)
    bce = -(y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7)).mean(-1)
    penalty = ((features - features.transpose(0, 2, 1)) ** 2).mean(-1).mean(-1)
    assert loss == pytest.approx(float(np.mean(bce + 10.0 * penalty)), rel=1e-4)


def test_fit_reduces_the_penalty_it_reads_from_the_inner_layer():
    from lamina.optimizers import Adam

    model = _model()
    loss = SymmetryPenalty(model, 10.0)
    model.compile(optimizer=Adam(learning_rate=0.05), loss=loss)
    square = K.reshape(loss.layer, (-1, 3, 3))
    penalty = K.function([model.input], [K.mean(K.square(square - K.permute_dimensions(square, (0, 2, 1))))])
    x = np.random.RandomState(1).normal(size=(64, 4)).astype("float32")
    y = (x[:, :2] > 0).astype("float32")
    before = penalty([x])[0]
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert penalty([x])[0] < 0.2 * before  # the gradient reached the inner layer through the loss
