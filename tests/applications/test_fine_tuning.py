"""The book's transfer-learning recipes on a VGG16 base: feature extraction, a frozen base, fine-tuning block5."""
import numpy as np

import lamina
from lamina import layers, models, optimizers


def stripes(n, seed):
    """32x32 RGB images; class 1 has horizontal stripes."""
    rng = np.random.RandomState(seed)
    x = rng.uniform(0, 80, (n, 32, 32, 3)).astype("float32")
    y = rng.randint(0, 2, n).astype("float32")
    x[y == 1, ::4] += 150
    return lamina.applications.vgg16.preprocess_input(x), y


def test_feature_extraction_with_predict_then_a_dense_classifier():
    conv_base = lamina.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    x, y = stripes(64, seed=0)
    features = conv_base.predict(x, batch_size=32, verbose=0)
    assert features.shape == (64, 1, 1, 512)
    classifier = models.Sequential([layers.Input((512,)), layers.Dense(16, activation="relu"),
                                    layers.Dense(1, activation="sigmoid")])
    classifier.compile(optimizer=optimizers.RMSprop(learning_rate=1e-3), loss="binary_crossentropy", metrics=["acc"])
    history = classifier.fit(features.reshape(64, 512), y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_frozen_base_then_fine_tuning_the_top_block():
    conv_base = lamina.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    # (an explicit Input: lamina's Sequential does not yet build itself from a first layer that is a model)
    model = models.Sequential([layers.Input((32, 32, 3)), conv_base, layers.Flatten(),
                               layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
    assert len(model.trainable_weights) == 30
    conv_base.trainable = False
    assert len(model.trainable_weights) == 4

    x, y = stripes(32, seed=1)
    base_before = [w.copy() for w in conv_base.get_weights()]
    head_before = [w.copy() for w in model.layers[-1].get_weights()]
    model.compile(optimizer=optimizers.RMSprop(learning_rate=2e-4), loss="binary_crossentropy", metrics=["acc"])
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(base_before, conv_base.get_weights()))
    assert not np.array_equal(head_before[0], model.layers[-1].get_weights()[0])

    conv_base.trainable = True
    set_trainable = False
    for layer in conv_base.layers:
        if layer.name == "block5_conv1":
            set_trainable = True
        layer.trainable = set_trainable
    assert [l.name for l in conv_base.layers if l.trainable] == [
        "block5_conv1", "block5_conv2", "block5_conv3", "block5_pool"]
    assert len(model.trainable_weights) == 6 + 4
    block4 = [w.copy() for w in conv_base.get_layer("block4_conv3").get_weights()]
    block5 = [w.copy() for w in conv_base.get_layer("block5_conv3").get_weights()]
    model.compile(optimizer=optimizers.RMSprop(learning_rate=1e-5), loss="binary_crossentropy", metrics=["acc"])
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(block4, conv_base.get_layer("block4_conv3").get_weights()))
    assert not np.array_equal(block5[0], conv_base.get_layer("block5_conv3").get_weights()[0])
