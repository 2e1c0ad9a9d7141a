"""A stand-in for the ``grain`` package so Keras 3's ``format="grain"`` dataset code runs in tests.

Keras builds its grain datasets from plain NumPy work (file indexing, seeded shuffles of
window starts or files, splits, label encoding); only the final container is grain's.
This stub supplies that container, which lets lamina be compared with Keras's own code.
grain's *own* extra shuffle is replaced by the identity: its order is grain's business
and not part of Keras's semantics; the tests that use this stub say so.
"""
import types


class MapDataset:
    def __init__(self, items):
        self.items = list(items)

    @classmethod
    def source(cls, items):
        return cls(items)

    def map(self, fn):
        return MapDataset(fn(item) for item in self.items)

    def shuffle(self, seed=None):
        return self

    def to_iter_dataset(self):
        return self

    def batch(self, batch_size, batch_fn):
        return MapDataset(batch_fn(self.items[i:i + batch_size]) for i in range(0, len(self.items), batch_size))

    def __iter__(self):
        return iter(self.items)


grain = types.SimpleNamespace(
    MapDataset=MapDataset,
    experimental=types.SimpleNamespace(ZipMapDataset=lambda parts: MapDataset(zip(*(p.items for p in parts)))),
)


def install(monkeypatch):
    """Make Keras's dataset utilities use the stub; return nothing (undone by monkeypatch)."""
    from keras.src.utils import dataset_utils, text_dataset_utils, timeseries_dataset_utils

    for module in (dataset_utils, text_dataset_utils, timeseries_dataset_utils):
        monkeypatch.setattr(module, "grain", grain, raising=False)
