"""``lamina demo``: the book's first network, trained on real handwritten digits in well under a minute.

The seed-001 multilayer perceptron (Dense 512 relu, Dropout 0.3, Dense 10 softmax;
RMSprop, categorical cross-entropy, accuracy) learns lamina's bundled sample of 5,000
real MNIST digits: 3,200 for training, 800 for validation (``validation_split``) and
1,000 held out for the test. It shows the progress bar, prints the test accuracy, and
writes the training curves (``training_curves.png``) and the trained model
(``mnist_mlp.keras``) into the output folder.

Run it with ``lamina demo [--output DIR] [--epochs N]`` or ``python -m lamina.examples.demo``.

Example (trains for a few seconds)::

    import tempfile
    run_demo(tempfile.mkdtemp(), epochs=1, verbose=0) == 0
    # -> True
"""
import argparse
import os
import sys

import numpy as np

DEFAULT_EPOCHS = 12
BATCH_SIZE = 128


def load_digits():
    """The bundled digits as flat float vectors in [0, 1] with one-hot labels: ``(x_train, y_train), (x_test, y_test)``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_digits()
        >>> x_train.shape, y_train.shape, x_test.shape, float(x_train.max())
        ((4000, 784), (4000, 10), (1000, 784), 1.0)
    """
    from lamina.datasets import mnist
    from lamina.utils import to_categorical

    (x_train, y_train), (x_test, y_test) = mnist.load_sample(test_split=0.2)
    x_train = x_train.reshape(len(x_train), 28 * 28).astype("float32") / 255.0
    x_test = x_test.reshape(len(x_test), 28 * 28).astype("float32") / 255.0
    return (x_train, to_categorical(y_train, 10)), (x_test, to_categorical(y_test, 10))


def build_model():
    """The seed-001 network, compiled as in the notes.

    Example:
        >>> build_model().count_params()
        407050
    """
    import lamina
    from lamina import layers

    model = lamina.Sequential([
        layers.Dense(512, activation="relu", input_shape=(28 * 28,)),
        layers.Dropout(0.3),
        layers.Dense(10, activation="softmax"),
    ], name="mnist_mlp")
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def plot_curves(history, path):
    """Write the loss and accuracy curves (training and validation) of ``history`` to the PNG ``path``.

    Uses matplotlib's Agg canvas directly, so the caller's plotting backend is untouched.

    Example:
        >>> import tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "curves.png")
        >>> plot_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.6, 0.8],
        ...              "val_accuracy": [0.5, 0.75]}, path)
        >>> os.path.getsize(path) > 1000
        True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4), dpi=100)
    FigureCanvasAgg(figure)
    epochs = np.arange(1, len(history["loss"]) + 1)
    for axis, name, title in zip(figure.subplots(1, 2), ("loss", "accuracy"), ("Loss", "Accuracy")):
        axis.plot(epochs, history[name], "o-", label=f"training {name}")
        if f"val_{name}" in history:
            axis.plot(epochs, history[f"val_{name}"], "s--", label=f"validation {name}")
        axis.set_title(f"{title} per epoch")
        axis.set_xlabel("epoch")
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(path)


def run_demo(output_dir="lamina_demo_output", epochs=None, verbose=1):
    """Train, evaluate, plot and save the MNIST MLP; returns 0 (the command's exit status).

    Args:
        output_dir: folder for ``training_curves.png`` and ``mnist_mlp.keras`` (created if needed).
        epochs: training epochs (default 12).
        verbose: ``fit``'s verbosity (1: progress bar).
    """
    import torch

    epochs = DEFAULT_EPOCHS if epochs is None else epochs
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"run_demo: epochs must be a positive int; received epochs={epochs!r}")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a small network: one thread is fast, and stays fast when other processes share the CPU
    try:
        return _train_and_report(output_dir, epochs, verbose)
    finally:
        torch.set_num_threads(threads)


def _train_and_report(output_dir, epochs, verbose):
    import lamina

    lamina.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = load_digits()
    print(f"lamina demo: the seed-001 MLP on {len(x_train)} real MNIST digits "
          f"({int(len(x_train) * 0.8)} training, {len(x_train) - int(len(x_train) * 0.8)} validation), "
          f"{len(x_test)} held out for the test")
    model = build_model()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, validation_split=0.2,
                        verbose=verbose)
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    print(f"test accuracy: {test_accuracy:.4f} (test loss {test_loss:.4f})")
    os.makedirs(output_dir, exist_ok=True)
    plot_path = os.path.abspath(os.path.join(output_dir, "training_curves.png"))
    model_path = os.path.abspath(os.path.join(output_dir, "mnist_mlp.keras"))
    plot_curves(history.history, plot_path)
    model.save(model_path)
    print(f"training curves: {plot_path}")
    print(f"trained model:   {model_path}  (load it with lamina.models.load_model)")
    return 0


def main(argv=None):
    """``python -m lamina.examples.demo [--output DIR] [--epochs N]``."""
    parser = argparse.ArgumentParser(prog="python -m lamina.examples.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default="lamina_demo_output")
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args(argv)
    return run_demo(args.output, args.epochs)


if __name__ == "__main__":
    sys.exit(main())
