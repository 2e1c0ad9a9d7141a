"""W4: the book's temperature-forecasting GRU: GRU(32) on (120, 14) windows, Dense(1), MSE, RMSprop, batch 128.

The PyTorch loop is the idiomatic ``nn.GRU`` + ``nn.Linear``, tracking the epoch's running
loss on the device as ``fit`` does. lamina's GRU (Keras 3's ``reset_after=True``) runs on
the same fused kernel as ``nn.GRU``, its Keras-layout weights reordered inside autograd.
"""
import numpy as np
import torch

from benchmarks.loop import hand_written_loop

NAME = "W4 Jena GRU(32) on (120, 14), b128"
FLOOR = 0.95  # eager fit vs the loop (issue 5)
TARGET = 1.15  # jit_compile=True fit vs the loop (issue 8)
EPOCHS = 1
BATCH_SIZE = 128
STEPS, FEATURES, UNITS = 120, 14, 32


def make_data():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(2560, STEPS, FEATURES)).astype("float32")
    y = (x[:, -6:, 1].mean(axis=1, keepdims=True) + 0.1 * rng.normal(size=(2560, 1))).astype("float32")
    return {"x": x, "y": y}


class _TorchModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(FEATURES, UNITS, batch_first=True)
        self.head = torch.nn.Linear(UNITS, 1)

    def forward(self, x):
        _, h = self.gru(x)
        return self.head(h[-1])


def torch_loop(data):
    x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])
    model = _TorchModel()
    return hand_written_loop(model, x, y, BATCH_SIZE, torch.nn.functional.mse_loss)


def lamina_model(jit_compile):
    import lamina
    from lamina import layers

    model = lamina.Sequential([layers.GRU(UNITS, input_shape=(STEPS, FEATURES)), layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse", jit_compile=jit_compile)
    return model
