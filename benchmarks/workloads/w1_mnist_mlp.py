"""W1: the book's MNIST MLP (784-512-10, relu/softmax), RMSprop, categorical cross-entropy, accuracy, batch 128.

The PyTorch loop trains the same network the idiomatic way (logits + ``F.cross_entropy``)
and tracks the same numbers ``fit`` reports: the running loss and accuracy of the
epoch, accumulated on the device.
"""
import numpy as np
import torch

from benchmarks.loop import hand_written_loop

NAME = "W1 MNIST MLP 784-512-10, b128"
FLOOR = 0.95  # eager fit vs the loop (issue 3)
TARGET = 1.9  # jit_compile=True fit vs the loop (issue 8)
EPOCHS = 2
BATCH_SIZE = 128
MEASURE_PROGRESS = True  # the harness also times verbose=1 (live bar on a pseudo-terminal)


def make_data():
    rng = np.random.RandomState(0)
    x = rng.rand(12800, 784).astype("float32")
    labels = rng.randint(0, 10, size=12800)
    y = np.eye(10, dtype="float32")[labels]
    return {"x": x, "y": y}


def torch_loop(data):
    x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    return hand_written_loop(model, x, y, BATCH_SIZE, torch.nn.functional.cross_entropy,
                             lambda logits, yb: (logits.argmax(-1) == yb.argmax(-1)).sum())


def lamina_model(jit_compile):
    import lamina
    from lamina import layers

    model = lamina.Sequential([
        layers.Dense(512, activation="relu", input_shape=(784,)),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=jit_compile)
    return model
