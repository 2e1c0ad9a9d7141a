"""What the processes started by ``lamina.distribute.launch`` run in the tests (module level, so spawn can pickle it).

Each worker trains, evaluates and predicts under ``DataParallel`` and returns NumPy
results; the tests run the same programs in one process (``run_single``) and compare.
"""
import os

import numpy as np
import torch

import lamina
from lamina import distribute, layers


def data(n=100, features=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x @ rng.normal(size=(features, 1)) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def build(seed, batch_norm=False):
    lamina.utils.set_random_seed(seed)
    model = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(4,))]
                              + ([layers.BatchNormalization()] if batch_norm else []) + [layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


class Batches(lamina.utils.PyDataset):
    """``x``/``y`` in consecutive batches of ``size``."""

    def __init__(self, x, y, size):
        super().__init__()
        self.x, self.y, self.size = x, y, size

    def __len__(self):
        return len(self.x) // self.size

    def __getitem__(self, i):
        part = slice(i * self.size, (i + 1) * self.size)
        return self.x[part], self.y[part]


def generator(x, y, size):
    while True:
        for start in range(0, len(x) - size + 1, size):
            yield x[start:start + size], y[start:start + size]


def programs(rank, world_size, out_dir):
    """The runs compared between one process and ``world_size`` processes: name -> results."""
    x, y = data()
    x_test, y_test = data(37, seed=1)
    results = {}
    # arrays: shuffled, global batch 15 split 7/8 (uneven shards), last batch 10; every rank starts from another
    # seed, so equal weights afterwards mean the chief's were broadcast
    model = build(10 + rank)
    lamina.utils.set_random_seed(10)
    rank_dir = os.path.join(out_dir, f"rank{rank}")
    callbacks = [lamina.callbacks.CSVLogger(os.path.join(rank_dir, "log.csv")),
                 lamina.callbacks.ModelCheckpoint(os.path.join(rank_dir, "model.keras")),
                 lamina.callbacks.EarlyStopping(monitor="val_loss", patience=0, min_delta=10.0)]
    os.makedirs(rank_dir, exist_ok=True)
    history = model.fit(x, y, batch_size=15, epochs=3, validation_data=(x_test, y_test), callbacks=callbacks,
                        verbose=0)
    results["arrays"] = {"history": history.history, "weights": model.get_weights(),
                         "evaluate": model.evaluate(x_test, y_test, batch_size=8, verbose=0),
                         "predict": model.predict(x_test, batch_size=8, verbose=0),
                         "files": sorted(os.listdir(rank_dir))}
    size = 10 // world_size  # the global batch is 10 samples in every run below
    model = build(20)
    history = model.fit(Batches(x, y, size), epochs=2, shuffle=False, verbose=0)
    results["pydataset"] = {"history": history.history, "weights": model.get_weights(),
                            "predict": model.predict(Batches(x, y, size), verbose=0)}
    model = build(30)
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    history = model.fit(dataset, batch_size=10, epochs=2, shuffle=False, verbose=0)
    results["torch_dataset"] = {"history": history.history, "weights": model.get_weights(),
                                "predict": model.predict(torch.utils.data.TensorDataset(torch.from_numpy(x_test)),
                                                         batch_size=8, verbose=0)}
    model = build(40)
    history = model.fit(generator(x, y, size), steps_per_epoch=100 // 10, epochs=2, verbose=0)
    results["generator"] = {"history": history.history, "weights": model.get_weights(),
                            "predict": model.predict((b[0] for b in generator(x_test, y_test, 5)), steps=7,
                                                     verbose=0),
                            "evaluate": model.evaluate(Batches(x_test, y_test, 5), verbose=0, return_dict=True)}
    model = build(50, batch_norm=True)
    model.fit(x, y, batch_size=20, epochs=1, verbose=0)
    results["batch_norm"] = {"weights": model.get_weights()}
    lamina.utils.set_random_seed(55 + rank)  # built at its first batch: the ranks must agree on the seed
    model = lamina.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size=20, epochs=1, verbose=0)
    results["built_lazily"] = {"weights": model.get_weights()}
    model = build(60)
    model.compile(optimizer=torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9), loss="mse")
    history = model.fit(x, y, batch_size=20, epochs=2, verbose=0)
    results["torch_optim"] = {"history": history.history, "weights": model.get_weights()}
    lamina.utils.set_random_seed(70)
    model = HandWritten([layers.Dense(8, activation="relu", input_shape=(4,)), layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse")
    history = model.fit(x, y, batch_size=20, epochs=2, shuffle=False, verbose=0)
    results["train_step"] = {"history": history.history, "weights": model.get_weights()}
    return results


class HandWritten(lamina.Sequential):
    """A Keras 3 ``train_step`` override: its optimizer averages the gradients over the processes."""

    def train_step(self, data):
        x, y = data
        loss = torch.mean((self(x, training=True) - y) ** 2)
        weights = self.trainable_weights
        grads = torch.autograd.grad(loss, weights)
        self.optimizer.apply(grads, weights)
        return {"loss": loss}


def run_compiled(out_dir):
    """Under ``launch`` (or in one process without ``out_dir``): fit with ``jit_compile=True``."""
    from lamina.training import jit

    jit.BACKEND = "aot_eager"  # the same dynamo trace as inductor, without code generation
    strategy = distribute.DataParallel() if out_dir else None
    x, y = data()
    with strategy.scope() if strategy else open(os.devnull):
        model = build(80)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"], jit_compile=True)
    history = model.fit(x, y, batch_size=20, epochs=2, shuffle=False, verbose=0)
    step = jit.steps_of(model)["train"][0]
    return {"history": history.history, "weights": model.get_weights(), "failure": step.failure,
            "compile_seconds": step.compile_seconds}


def run_distributed(out_dir):
    """Under ``launch``: the programs with ``DataParallel`` set as the distribution."""
    strategy = distribute.DataParallel()
    distribute.set_distribution(strategy)
    return programs(strategy.rank, strategy.world_size, out_dir)


def run_single(out_dir):
    """The same programs in this process, without a distribution."""
    return programs(0, 1, out_dir)


def where_am_i():
    """Under ``launch``: what the process's DataParallel sees, and a sum over the processes."""
    strategy = distribute.DataParallel()
    total = torch.tensor([float(strategy.rank + 1)])
    torch.distributed.all_reduce(total)
    return strategy.rank, strategy.world_size, strategy.is_chief, os.environ["LOCAL_RANK"], total.item()


def fail_on_rank_one():
    if int(os.environ["RANK"]) == 1:
        raise ValueError("rank one cannot go on")
    return "rank zero is fine"


class Interrupt(lamina.callbacks.Callback):
    """Stops the program (as a kill would) at the end of epoch ``at``."""

    def __init__(self, at):
        super().__init__()
        self.at = at

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at:
            raise KeyboardInterrupt(f"interrupted after epoch {epoch}")


def run_resumed(out_dir):
    """Train 4 epochs, interrupted after the second and resumed by BackupAndRestore (on the chief only).

    Without ``out_dir``: the same 4 epochs in one process, uninterrupted.
    """
    x, y = data()
    if out_dir is None:
        model = build(90)
        return model.fit(x, y, batch_size=20, epochs=4, shuffle=False, verbose=0).history, model.get_weights()
    strategy = distribute.DataParallel()
    distribute.set_distribution(strategy)
    backup_dir = os.path.join(out_dir, "backup")
    model = build(90)
    try:
        model.fit(x, y, batch_size=20, epochs=4, shuffle=False, verbose=0,
                  callbacks=[lamina.callbacks.BackupAndRestore(backup_dir), Interrupt(1)])
    except KeyboardInterrupt:
        pass
    model = build(100 + strategy.rank)  # a new program: only the chief's backup knows where training was
    history = model.fit(x, y, batch_size=20, epochs=4, shuffle=False, verbose=0,
                        callbacks=[lamina.callbacks.BackupAndRestore(backup_dir)])
    return history.history, model.get_weights()


def fit_compiled_outside():
    """Under ``launch``: a model compiled before the strategy exists; returns the warnings of its fit."""
    import warnings

    model = build(5)
    distribute.DataParallel()
    x, y = data(8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, epochs=1, verbose=0)
    return [str(w.message) for w in caught]
