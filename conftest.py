"""Root pytest configuration: the names every docstring example may use, and a fresh session per example."""
import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    import lamina
    from lamina.core.naming import reset_names

    doctest_namespace.update({"np": np, "torch": torch, "lamina": lamina})
    reset_names()
    yield
    lamina.config.set_floatx("float32")
