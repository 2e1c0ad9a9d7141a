"""W2: the book's MNIST convnet, RMSprop, categorical cross-entropy, accuracy, batch 64.

Conv2D(32, 3, relu) - MaxPooling2D(2) - Conv2D(64, 3, relu) - MaxPooling2D(2) -
Conv2D(64, 3, relu) - Flatten - Dense(64, relu) - Dense(10, softmax) on 28x28x1 images.
lamina takes Keras's channels-last images; the PyTorch loop is the idiomatic NCHW
network (``nn.Conv2d`` & co. on ``(batch, 1, 28, 28)`` tensors) and tracks the same
numbers ``fit`` reports: the epoch's running loss and accuracy, accumulated on the device.
"""
import numpy as np
import torch
from torch import nn

from benchmarks.loop import hand_written_loop

NAME = "W2 book convnet 28x28x1, b64"
FLOOR = 0.95  # eager fit vs the loop (issue 4)
TARGET = 1.75  # jit_compile=True fit vs the loop (issue 8)
EPOCHS = 1
BATCH_SIZE = 64
SAMPLES = 4096


def make_data():
    rng = np.random.RandomState(0)
    x = rng.rand(SAMPLES, 28, 28, 1).astype("float32")
    labels = rng.randint(0, 10, size=SAMPLES)
    y = np.eye(10, dtype="float32")[labels]
    return {"x": x, "y": y}


def torch_loop(data):
    x = torch.from_numpy(data["x"]).permute(0, 3, 1, 2).contiguous()  # NCHW, as a PyTorch user stores images
    y = torch.from_numpy(data["y"])
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
        nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10),
    )
    return hand_written_loop(model, x, y, BATCH_SIZE, nn.functional.cross_entropy,
                             lambda logits, yb: (logits.argmax(-1) == yb.argmax(-1)).sum())


def build_lamina_model():
    """The book's convnet in lamina (also used by the profiling notes in docs/vision_layers.md)."""
    import lamina
    from lamina import layers

    return lamina.Sequential([
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


def lamina_model(jit_compile):
    model = build_lamina_model()
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=jit_compile)
    return model
