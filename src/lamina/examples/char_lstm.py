"""Character-level text generation with an LSTM and a softmax temperature (the book's section 8.1).

Trains ``LSTM(128) -> Dense(len(chars), softmax)`` to predict the next character of a
small bundled public-domain text, then writes new text from a seed at several
temperatures with :func:`lamina.utils.sample`. Run it with::

    python -m lamina.examples.char_lstm            # a few epochs, a few seconds
    python -m lamina.examples.char_lstm --epochs 20 --length 400

Example:
    >>> result = main(epochs=1, length=10, temperatures=(0.5,), max_sequences=64, verbose=False)
    >>> sorted(result["samples"]), len(result["samples"][0.5])
    ([0.5], 10)
"""
import argparse
import os
import random

import numpy as np
import torch

import lamina
from lamina import layers
from lamina.utils import sample

TEXT_PATH = os.path.join(os.path.dirname(__file__), "data", "public_domain.txt")


def load_text(path=TEXT_PATH):
    """The training text, lowercased (as in the book)."""
    with open(path, encoding="utf-8") as handle:
        return handle.read().lower()


def vectorize(text, maxlen=20, step=1, max_sequences=None):
    """Overlapping ``maxlen``-character windows (one-hot, ``(n, maxlen, chars)``) and the next character."""
    chars = sorted(set(text))
    char_indices = {char: i for i, char in enumerate(chars)}
    starts = range(0, len(text) - maxlen, step)
    if max_sequences is not None:
        starts = list(starts)[:max_sequences]
    sentences = [text[i:i + maxlen] for i in starts]
    next_chars = [text[i + maxlen] for i in starts]
    x = np.zeros((len(sentences), maxlen, len(chars)), dtype="float32")
    y = np.zeros((len(sentences), len(chars)), dtype="float32")
    for i, sentence in enumerate(sentences):
        for t, char in enumerate(sentence):
            x[i, t, char_indices[char]] = 1.0
        y[i, char_indices[next_chars[i]]] = 1.0
    return x, y, chars, char_indices


def build_model(maxlen, num_chars):
    model = lamina.Sequential([
        layers.LSTM(128, input_shape=(maxlen, num_chars)),
        layers.Dense(num_chars, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer=lamina.optimizers.RMSprop(learning_rate=0.01))
    return model


def generate(model, seed_text, chars, char_indices, length, temperature, maxlen):
    """``length`` new characters continuing ``seed_text`` (its last ``maxlen`` characters feed the model)."""
    window = seed_text[-maxlen:]
    produced = []
    for _ in range(length):
        sampled = np.zeros((1, maxlen, len(chars)), dtype="float32")
        for t, char in enumerate(window):
            sampled[0, t, char_indices[char]] = 1.0
        with torch.no_grad():  # one sample at a time: calling the model directly skips predict()'s batching
            preds = model(sampled, training=False)[0].numpy()
        next_char = chars[sample(preds, temperature)]
        produced.append(next_char)
        window = window[1:] + next_char
    return "".join(produced)


def main(epochs=6, length=200, temperatures=(0.2, 0.5, 1.0, 1.2), maxlen=20, max_sequences=None, seed=0,
         verbose=True):
    """Train, then generate ``length`` characters per temperature; returns the losses and the samples."""
    lamina.utils.set_random_seed(seed)
    random.seed(seed)
    text = load_text()
    x, y, chars, char_indices = vectorize(text, maxlen=maxlen, max_sequences=max_sequences)
    if verbose:
        print(f"corpus length {len(text)}, {len(x)} sequences, {len(chars)} distinct characters")
    model = build_model(maxlen, len(chars))
    history = model.fit(x, y, batch_size=128, epochs=epochs, verbose=1 if verbose else 0)
    start = random.randint(0, len(text) - maxlen - 1)
    seed_text = text[start:start + maxlen]
    samples = {}
    for temperature in temperatures:
        samples[temperature] = generate(model, seed_text, chars, char_indices, length, temperature, maxlen)
        if verbose:
            print(f"--- temperature {temperature}: seed {seed_text!r}")
            print(seed_text + samples[temperature])
    return {"loss": history.history["loss"], "samples": samples, "chars": chars}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--length", type=int, default=200)
    args = parser.parse_args()
    main(epochs=args.epochs, length=args.length)
