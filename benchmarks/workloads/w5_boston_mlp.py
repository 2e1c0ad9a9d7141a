"""W5: the book's Boston-housing MLP (13-64-64-1), RMSprop, mse + mae, batch_size=1 on 404 samples.

One sample per step makes the arithmetic negligible: this measures pure framework
overhead per step. The PyTorch loop tracks the same numbers ``fit`` reports (the
epoch's running loss and mean absolute error, accumulated on the device). TARGET
expresses "per-step time at most 1.25x the loop's" as a throughput ratio.
"""
import numpy as np
import torch

NAME = "W5 Boston MLP 13-64-64-1, b1"
TARGET = 0.8
EPOCHS = 3


def make_data():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(404, 13)).astype("float32")
    y = (x @ rng.normal(size=(13, 1)) + 0.1 * rng.normal(size=(404, 1))).astype("float32")
    return {"x": x, "y": y}


def torch_loop(data, epochs):
    x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])
    model = torch.nn.Sequential(torch.nn.Linear(13, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, 1))
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    n = len(x)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(n)
        loss_sum = torch.zeros(())
        abs_sum = torch.zeros(())
        for start in range(n):
            index = order[start:start + 1]
            xb, yb = x[index], y[index]
            optimizer.zero_grad(set_to_none=True)
            prediction = model(xb)
            loss = torch.nn.functional.mse_loss(prediction, yb)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                loss_sum += loss.detach()
                abs_sum += (prediction - yb).abs().sum()
        float(loss_sum / n), float(abs_sum / n)  # the epoch's numbers, read once
    return epochs * n


def lamina_fit(data, epochs, jit_compile=False, verbose=0):
    import lamina
    from lamina import layers

    model = lamina.Sequential([
        layers.Dense(64, activation="relu", input_shape=(13,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"], jit_compile=jit_compile)
    model.fit(data["x"], data["y"], batch_size=1, epochs=epochs, verbose=verbose)
    return epochs * len(data["x"])
