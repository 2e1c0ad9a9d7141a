"""W3: the book's IMDB LSTM: Embedding(10000, 32) on length-500 reviews, LSTM(32), Dense(1, sigmoid), batch 128.

RMSprop and binary cross-entropy with accuracy, as in the book (section 6.2). The PyTorch
loop is the idiomatic ``nn.Embedding`` + ``nn.LSTM`` + ``nn.Linear`` with logits and
``binary_cross_entropy_with_logits``, tracking the same numbers ``fit`` reports (the
epoch's running loss and accuracy, accumulated on the device). lamina's LSTM runs on the
same fused kernel as ``nn.LSTM`` with its weights kept in Keras's layout.
"""
import torch

from benchmarks.data import random_reviews
from benchmarks.loop import hand_written_loop

NAME = "W3 IMDB Embedding+LSTM(32), len 500, b128"
FLOOR = 0.95  # eager fit vs the loop (issue 5)
TARGET = 1.0  # jit_compile=True fit vs the loop (issue 8)
EPOCHS = 1
BATCH_SIZE = 128
VOCABULARY, LENGTH, UNITS = 10000, 500, 32


def make_data():
    return random_reviews(1280, VOCABULARY, LENGTH)


class _TorchModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(VOCABULARY, UNITS)
        self.lstm = torch.nn.LSTM(UNITS, UNITS, batch_first=True)
        self.head = torch.nn.Linear(UNITS, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(self.embedding(x))
        return self.head(h[-1])


def torch_loop(data):
    x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])
    model = _TorchModel()
    return hand_written_loop(model, x, y, BATCH_SIZE, torch.nn.functional.binary_cross_entropy_with_logits,
                             lambda logits, yb: ((logits > 0).float() == yb).sum())


def lamina_model(jit_compile):
    import lamina
    from lamina import layers

    model = lamina.Sequential([
        layers.Embedding(VOCABULARY, UNITS),
        layers.LSTM(UNITS),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"], jit_compile=jit_compile)
    return model
