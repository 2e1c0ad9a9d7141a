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
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    return lambda epochs: _train(model, optimizer, x, y, epochs)


def _train(model, optimizer, x, y, epochs):
    n = len(x)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(n)
        loss_sum = torch.zeros(())
        correct = torch.zeros(())
        for start in range(0, n, BATCH_SIZE):
            index = order[start:start + BATCH_SIZE]
            xb, yb = x[index], y[index]
            optimizer.zero_grad(set_to_none=True)
            logits = model(xb)
            loss = nn.functional.cross_entropy(logits, yb)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                loss_sum += loss.detach() * len(xb)
                correct += (logits.argmax(-1) == yb.argmax(-1)).sum()
        float(loss_sum / n), float(correct / n)  # the epoch's numbers, read once
    return epochs * n


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


def lamina_fit(model, data, epochs, verbose=0):
    model.fit(data["x"], data["y"], batch_size=BATCH_SIZE, epochs=epochs, verbose=verbose)
    return epochs * len(data["x"])
