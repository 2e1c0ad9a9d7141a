"""Text stays NumPy through fit/evaluate/predict until a preprocessing layer inside the model encodes it."""
import numpy as np

import lamina
from lamina import layers


def test_model_with_text_vectorization_trains_on_string_arrays():
    lamina.utils.set_random_seed(0)
    vectorizer = layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorizer.adapt(["good great fine", "bad awful poor"])
    text = lamina.Input(shape=(1,), dtype="string")
    hidden = layers.GlobalAveragePooling1D()(layers.Embedding(20, 8)(vectorizer(text)))
    model = lamina.Model(text, layers.Dense(1, activation="sigmoid")(hidden))
    x = np.array([["good"], ["great fine"], ["bad"], ["awful poor"]] * 8)
    y = np.array([1, 1, 0, 0] * 8)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=30, batch_size=8, validation_split=0.25, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(x, y, verbose=0)[1] == 1.0
    assert model.predict(np.array([["good"], ["poor"]]), verbose=0).round().ravel().tolist() == [1.0, 0.0]
