"""``lamina demo``: trains the seed-001 MLP on the bundled digits, prints the test accuracy, writes the plot and model."""
import re

import numpy as np
import pytest

import lamina
from lamina.cli import main
from lamina.examples import demo


def _accuracy(output):
    return float(re.search(r"test accuracy: ([0-9.]+)", output).group(1))


def test_short_demo_writes_a_plot_and_a_model_that_loads(tmp_path, capsys):
    assert demo.run_demo(str(tmp_path), epochs=2, verbose=0) == 0
    output = capsys.readouterr().out
    assert _accuracy(output) > 0.85
    assert (tmp_path / "training_curves.png").stat().st_size > 10_000
    assert str(tmp_path / "mnist_mlp.keras") in output
    model = lamina.models.load_model(str(tmp_path / "mnist_mlp.keras"))
    _, (x_test, y_test) = demo.load_digits()
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy == pytest.approx(_accuracy(output), abs=1e-4)
    assert np.isfinite(loss)


def test_demo_rejects_bad_epochs(tmp_path):
    with pytest.raises(ValueError, match="epochs must be a positive int; received epochs=0"):
        demo.run_demo(str(tmp_path), epochs=0)


@pytest.mark.slow
def test_cli_demo_reaches_ninety_percent(tmp_path, capsys):
    assert main(["demo", "--output", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "Epoch 12/12" in output and _accuracy(output) >= 0.90
    assert (tmp_path / "training_curves.png").exists() and (tmp_path / "mnist_mlp.keras").exists()
