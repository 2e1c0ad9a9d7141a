"""W1: the book's MNIST MLP (784-512-10, relu/softmax), RMSprop, categorical cross-entropy, accuracy, batch 128.

The PyTorch loop trains the same network the idiomatic way (logits + ``F.cross_entropy``)
and tracks the same numbers ``fit`` reports: the running loss and accuracy of the
epoch, accumulated on the device.
"""
import numpy as np
import torch

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
            loss = torch.nn.functional.cross_entropy(logits, yb)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                loss_sum += loss.detach() * len(xb)
                correct += (logits.argmax(-1) == yb.argmax(-1)).sum()
        float(loss_sum / n), float(correct / n)  # the epoch's numbers, read once
    return epochs * n


def lamina_model(jit_compile):
    import lamina
    from lamina import layers

    model = lamina.Sequential([
        layers.Dense(512, activation="relu", input_shape=(784,)),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=jit_compile)
    return model


def lamina_fit(model, data, epochs, verbose=0):
    model.fit(data["x"], data["y"], batch_size=BATCH_SIZE, epochs=epochs, verbose=verbose)
    return epochs * len(data["x"])
