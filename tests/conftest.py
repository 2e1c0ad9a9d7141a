"""Test-wide settings: Keras (the reference) runs on its torch backend, one thread per worker."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _fresh_session():
    """Every test starts with fresh names and seeds, so tests do not depend on order."""
    import lamina

    clear = getattr(getattr(lamina, "backend", None), "clear_session", None)
    if clear is not None:
        clear()
    else:
        from lamina.core.naming import reset_names

        reset_names()
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture
def keras():
    """The reference Keras 3 on its torch backend (test-only dependency)."""
    import keras
    assert keras.backend.backend() == "torch", "the Keras reference must run on its torch backend"
    keras.backend.clear_session(free_memory=False)  # fresh auto-names (dense, dense_1, ...), as lamina's; no gc pass
    return keras
