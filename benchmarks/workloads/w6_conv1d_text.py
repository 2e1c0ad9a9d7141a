"""W6: the book's 1D convnet for text: Embedding(10000, 128) on length-500 reviews, Conv1D(32, 7, relu),
MaxPooling1D(5), Conv1D(32, 7, relu), GlobalMaxPooling1D, Dense(1); RMSprop, binary cross-entropy, batch 128.

(The book's last layer has no activation; here it is a sigmoid, which binary
cross-entropy on probabilities expects, and the PyTorch loop uses logits with
``binary_cross_entropy_with_logits``: the same function.) The PyTorch loop is the
idiomatic NCW network (``nn.Conv1d`` on ``(batch, channels, time)``, the embedding
output transposed into it) and tracks the epoch's running loss and accuracy on the
device, as ``fit`` does.
"""
import torch
from torch import nn

from benchmarks.data import random_reviews
from benchmarks.loop import hand_written_loop

NAME = "W6 IMDB Embedding+Conv1D, len 500, b128"
FLOOR = 0.95  # eager fit vs the loop (as fast as the hand-written loop)
TARGET = 1.65  # jit_compile=True fit vs the loop (issue 8)
EPOCHS = 1
BATCH_SIZE = 128
VOCABULARY, LENGTH, DIM = 10000, 500, 128


def make_data():
    return random_reviews(2560, VOCABULARY, LENGTH)


class _TorchModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, DIM)
        self.features = nn.Sequential(
            nn.Conv1d(DIM, 32, 7), nn.ReLU(), nn.MaxPool1d(5),
            nn.Conv1d(32, 32, 7), nn.ReLU(), nn.AdaptiveMaxPool1d(1), nn.Flatten(),
        )
        self.head = nn.Linear(32, 1)

    def forward(self, x):
        return self.head(self.features(self.embedding(x).transpose(1, 2)))


def torch_loop(data):
    x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])
    model = _TorchModel()
    return hand_written_loop(model, x, y, BATCH_SIZE, nn.functional.binary_cross_entropy_with_logits,
                             lambda logits, yb: ((logits > 0).float() == yb).sum())


def lamina_model(jit_compile):
    import lamina
    from lamina import layers

    model = lamina.Sequential([
        layers.Input(shape=(LENGTH,), dtype="int32"),
        layers.Embedding(VOCABULARY, DIM),
        layers.Conv1D(32, 7, activation="relu"),
        layers.MaxPooling1D(5),
        layers.Conv1D(32, 7, activation="relu"),
        layers.GlobalMaxPooling1D(),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"], jit_compile=jit_compile)
    return model
