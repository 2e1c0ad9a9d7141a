"""Custom training in the Keras 3 style: train_step/test_step/predict_step overrides, compute_loss,
self.metrics, two optimizers (a GAN trained by fit), add_loss-only models (a VAE), custom loops."""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers, ops

RNG = np.random.RandomState(0)
X = RNG.normal(size=(128, 4)).astype("float32")
Y = (X @ RNG.normal(size=(4, 1))).astype("float32")


class MeanSquaredModel(lamina.Model):
    """The Keras 3 guide's custom train_step: compute_loss, backward, optimizer.apply, metrics."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)

    def call(self, inputs):
        return self.dense(inputs)

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        grads = [v.grad for v in self.trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(grads, self.trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_custom_train_step_matches_the_built_in_one():
    lamina.utils.set_random_seed(1)
    custom = MeanSquaredModel()
    custom.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    custom.build((None, 4))
    builtin = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    builtin.set_weights(custom.get_weights())
    builtin.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    kwargs = dict(batch_size=32, epochs=3, shuffle=False, verbose=0, validation_data=(X, Y))
    got, expected = custom.fit(X, Y, **kwargs).history, builtin.fit(X, Y, **kwargs).history
    assert set(got) == {"loss", "mae", "val_loss", "val_mae"}  # compile_metrics' dict result is flattened
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, err_msg=key)
    assert got["loss"][-1] < got["loss"][0]


def test_compute_loss_override_is_used_by_fit_and_evaluate():
    class Doubled(lamina.Sequential):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return 2.0 * super().compute_loss(x, y, y_pred, sample_weight, training)

    model = Doubled([layers.Dense(1, input_shape=(4,), kernel_initializer="zeros")])
    model.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(2.0 * float(np.mean(Y ** 2)), rel=1e-5)


def test_compute_loss_override_without_training_argument():
    class Older(lamina.Sequential):  # written for Keras before 3.3, whose compute_loss had no `training`
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
            return ops.mean(ops.abs(y - y_pred))

    model = Older([layers.Dense(1, input_shape=(4,), kernel_initializer="zeros")])
    model.compile(optimizer="sgd")
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(float(np.mean(np.abs(Y))), rel=1e-5)
    assert model.fit(X, Y, epochs=2, verbose=0).history["loss"][1] < float(np.mean(np.abs(Y)))


def test_predict_step_override():
    class Rounded(lamina.Sequential):
        def predict_step(self, data):
            return torch.round(self(data, training=False))

    model = Rounded([layers.Dense(1, input_shape=(4,))])
    predictions = model.predict(X, verbose=0)
    np.testing.assert_array_equal(predictions, np.round(predictions))


class GAN(lamina.Model):
    """Keras 3's GAN example (torch flavour): two optimizers, one fit."""

    def __init__(self, latent_dim=2):
        super().__init__()
        self.latent_dim = latent_dim
        self.generator = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(latent_dim,)),
                                            layers.Dense(2)])
        self.discriminator = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(2,)),
                                                layers.Dense(1)])
        self.d_loss_tracker = lamina.metrics.Mean(name="d_loss")
        self.g_loss_tracker = lamina.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self.loss_fn = lamina.losses.BinaryCrossentropy(from_logits=True)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, real):
        if isinstance(real, tuple):
            real = real[0]
        batch = real.shape[0]
        noise = lamina.random.normal((batch, self.latent_dim))
        fake = self.generator(noise)
        images = torch.cat([fake.detach(), real])
        labels = torch.cat([torch.ones(batch, 1), torch.zeros(batch, 1)])
        self.zero_grad()
        d_loss = self.loss_fn(labels, self.discriminator(images))
        d_loss.backward()
        weights = self.discriminator.trainable_weights
        with torch.no_grad():
            self.d_optimizer.apply([w.grad for w in weights], weights)
        self.zero_grad()
        g_loss = self.loss_fn(torch.zeros(batch, 1), self.discriminator(self.generator(noise)))
        g_loss.backward()
        weights = self.generator.trainable_weights
        with torch.no_grad():
            self.g_optimizer.apply([w.grad for w in weights], weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def test_gan_with_two_optimizers_trained_by_fit():
    lamina.utils.set_random_seed(0)
    real = (np.array([2.0, -1.0]) + 0.3 * RNG.normal(size=(256, 2))).astype("float32")
    gan = GAN()
    gan.compile(lamina.optimizers.Adam(0.01), lamina.optimizers.Adam(0.01))
    noise = lamina.random.normal((512, 2))
    start = float(torch.linalg.norm(gan.generator(noise).detach().mean(0) - torch.tensor([2.0, -1.0])))
    history = gan.fit(real, batch_size=32, epochs=15, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"}
    end = float(torch.linalg.norm(gan.generator(noise).detach().mean(0) - torch.tensor([2.0, -1.0])))
    assert end < 0.5 * start, (start, end)
    assert gan.d_optimizer.iterations.item() == gan.g_optimizer.iterations.item() == 15 * 8


def test_book_gan_pattern_trainable_toggled_around_train_on_batch():
    discriminator = lamina.Sequential([layers.Dense(4, activation="relu", input_shape=(2,)),
                                       layers.Dense(1, activation="sigmoid")])
    discriminator.compile(optimizer="rmsprop", loss="binary_crossentropy")
    generator = lamina.Sequential([layers.Dense(2, input_shape=(3,))])
    discriminator.trainable = False
    gan_input = lamina.Input((3,))
    gan = lamina.Model(gan_input, discriminator(generator(gan_input)))
    gan.compile(optimizer="rmsprop", loss="binary_crossentropy")

    def snapshot(model):
        return [w.copy() for w in model.get_weights()]

    latent = RNG.normal(size=(16, 3)).astype("float32")
    samples = RNG.normal(size=(16, 2)).astype("float32")
    for _ in range(2):
        discriminator.trainable = True
        d_before, g_before = snapshot(discriminator), snapshot(generator)
        discriminator.train_on_batch(samples, np.ones((16, 1)))
        assert any(not np.array_equal(a, b) for a, b in zip(d_before, snapshot(discriminator)))
        assert all(np.array_equal(a, b) for a, b in zip(g_before, snapshot(generator)))
        discriminator.trainable = False
        d_before, g_before = snapshot(discriminator), snapshot(generator)
        gan.train_on_batch(latent, np.zeros((16, 1)))
        assert all(np.array_equal(a, b) for a, b in zip(d_before, snapshot(discriminator)))
        assert any(not np.array_equal(a, b) for a, b in zip(g_before, snapshot(generator)))


class KLLoss(layers.Layer):
    """Registers the VAE's loss with add_loss(..., inputs=...) and passes its input through."""

    def call(self, inputs):
        x, reconstruction, mean, log_var = inputs
        reconstruction_loss = ops.mean(ops.square(x - reconstruction))
        kl = -0.5 * ops.mean(1 + log_var - ops.square(mean) - ops.exp(log_var))
        self.add_loss(reconstruction_loss + 1e-3 * kl, inputs=inputs)
        return x


def _vae():
    inputs = lamina.Input((6,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    mean, log_var = layers.Dense(2)(hidden), layers.Dense(2)(hidden)
    decoded = layers.Dense(6)(layers.Dense(8, activation="relu")(layers.Add()([mean, 0.0 * log_var])))
    return lamina.Model(inputs, KLLoss()([inputs, decoded, mean, log_var]))


def test_vae_add_loss_only_with_loss_none_and_y_none():
    lamina.utils.set_random_seed(0)
    data = (RNG.normal(size=(256, 2)) @ RNG.normal(size=(2, 6))).astype("float32")
    vae = _vae()
    vae.compile(optimizer=lamina.optimizers.Adam(0.01), loss=None)
    history = vae.fit(data, None, batch_size=32, epochs=8, verbose=0, validation_data=(data[:64], None))
    losses = history.history["loss"]
    assert set(history.history) == {"loss", "val_loss"}
    assert losses[-1] < 0.7 * losses[0]
    assert history.history["val_loss"][-1] < history.history["val_loss"][0]
    assert vae.evaluate(data[:64], verbose=0) == pytest.approx(history.history["val_loss"][-1], rel=1e-5)


def test_custom_loop_with_apply_gradients():
    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    optimizer = lamina.optimizers.SGD(0.1)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    losses = []
    for _ in range(30):
        with lamina.GradientTape() as tape:
            loss = ops.mean(ops.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.1 * losses[0]
    # the same model can then be compiled and fit: training continues from the current weights
    model.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(
        float(np.mean((model.predict(X, verbose=0) - Y) ** 2)), rel=1e-5)
