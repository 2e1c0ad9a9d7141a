"""text_dataset_from_directory against Keras 3's own code (its grain path, see keras_grain_stub) and its docs."""
import os

import numpy as np
import pytest

from keras_grain_stub import install
from lamina.utils import BatchDataset, text_dataset_from_directory


@pytest.fixture
def corpus(tmp_path):
    """Three classes of .txt files (some nested, some ignored) with distinct contents."""
    root = tmp_path / "reviews"
    layout = {"neg": 7, "pos": 5, "neutral": 4}
    for label, count in layout.items():
        for i in range(count):
            folder = root / label / ("nested" if i % 3 == 2 else "")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"review_{i:02d}.txt").write_text(f"{label} review number {i} " + "é" * i, encoding="utf-8")
        (root / label / "notes.md").write_text("not a text file for the dataset")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.txt").write_text("ignored")
    return str(root)


def _keras_batches(keras, monkeypatch, *args, **kwargs):
    install(monkeypatch)
    result = keras.utils.text_dataset_from_directory(*args, format="grain", verbose=False, **kwargs)
    datasets = result if isinstance(result, list) else [result]

    labelled = kwargs.get("labels", "inferred") is not None

    def to_numpy(batch):
        if labelled:
            texts, labels = batch
            return list(texts), keras.ops.convert_to_numpy(labels)
        return list(batch)

    return [[to_numpy(batch) for batch in ds] for ds in datasets], [ds.class_names for ds in datasets]


def _lamina_batches(*args, **kwargs):
    result = text_dataset_from_directory(*args, verbose=False, **kwargs)
    datasets = result if isinstance(result, tuple) else (result,)
    for ds in datasets:
        assert isinstance(ds, BatchDataset)

    def to_lists(batch):
        return (list(batch[0]), batch[1]) if isinstance(batch, tuple) else list(batch)

    return [[to_lists(ds[i]) for i in range(len(ds))] for ds in datasets], [ds.class_names for ds in datasets]


CASES = [
    dict(shuffle=False, batch_size=4),
    dict(shuffle=False, label_mode="categorical", batch_size=5, max_length=10),
    dict(shuffle=False, labels=None, batch_size=3),
    dict(shuffle=False, class_names=["pos", "neg"], label_mode="binary", batch_size=32),
    dict(seed=3, validation_split=0.25, subset="training", batch_size=4),
    dict(seed=3, validation_split=0.25, subset="validation", batch_size=4),
    dict(seed=11, validation_split=0.3, subset="both", batch_size=6, label_mode="categorical"),
    dict(shuffle=True, seed=5, batch_size=None),
]


@pytest.mark.parametrize("kwargs", CASES)
def test_matches_keras_batch_for_batch(keras, monkeypatch, corpus, kwargs):
    """Same files, same order, same labels; with shuffle=True grain's own extra shuffle is stubbed out, so this
    compares Keras's seeded global shuffle and split (lamina's first epoch)."""
    ours, our_classes = _lamina_batches(corpus, **kwargs)
    theirs, their_classes = _keras_batches(keras, monkeypatch, corpus, **kwargs)
    assert our_classes == their_classes
    for our_ds, their_ds in zip(ours, theirs, strict=True):
        assert len(our_ds) == len(their_ds)
        for got, expected in zip(our_ds, their_ds):
            if kwargs.get("batch_size", 32) is None:
                got, expected = ([got[0]], got[1]), ([expected[0]], expected[1])
            if isinstance(expected, tuple):
                assert got[0] == expected[0]
                assert got[1].dtype == expected[1].dtype and got[1].shape == expected[1].shape
                np.testing.assert_array_equal(got[1], expected[1])
            else:
                assert got == expected


def test_split_is_a_partition_and_epochs_reshuffle(corpus):
    train, val = text_dataset_from_directory(corpus, seed=2, validation_split=0.25, subset="both",
                                             batch_size=5, verbose=False)
    assert set(train.file_paths).isdisjoint(val.file_paths)
    assert len(train.file_paths) + len(val.file_paths) == 16 and len(val.file_paths) == 4
    first = [text for i in range(len(train)) for text in train[i][0]]
    train.on_epoch_end()
    second = [text for i in range(len(train)) for text in train[i][0]]
    assert sorted(first) == sorted(second) and first != second
    texts, labels = train[0]
    assert texts.dtype == object and isinstance(texts[0], str) and labels.dtype == np.int32
    for text, label in zip(texts, labels):  # labels follow their files through the shuffles
        assert text.startswith(train.class_names[label])


def test_manual_labels_and_utf8(corpus):
    files = sorted(os.path.relpath(os.path.join(r, f), corpus) for r, _, fs in os.walk(corpus) for f in fs
                   if f.endswith(".txt") and not r.endswith(".hidden"))
    labels = [i % 2 for i in range(len(files) + 1)]  # one label per .txt file, hidden folders included
    ds = text_dataset_from_directory(corpus, labels=labels, shuffle=False, batch_size=100, verbose=False)
    assert ds.class_names == ["0", "1"] and ds[0][1].tolist() == labels
    assert any("éé" in text for text in ds[0][0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(label_mode="sparse"), "label_mode must be one of \\('int', 'categorical', 'binary', None\\)"),
        (dict(label_mode="binary"), "label_mode='binary' needs exactly 2 classes"),
        (dict(labels="folders"), "labels must be 'inferred', None or a list"),
        (dict(labels=[0, 1]), "labels has 2 entries but 17 files"),
        (dict(class_names=["pos", "cats"]), "name folders that are not sub-folders .* \\['cats'\\]"),
        (dict(validation_split=0.2), "validation_split and subset go together"),
        (dict(validation_split=0.2, subset="training", seed=None), "pass a seed"),
        (dict(validation_split=1.5, subset="training", seed=1), "validation_split must be in \\[0, 1\\)"),
        (dict(validation_split=0.2, subset="testing", seed=1), "subset must be one of"),
        (dict(batch_size=0), "batch_size must be a positive integer or None"),
        (dict(formats="tf", shuffle=False), "unexpected keyword arguments \\['formats'\\]"),
    ],
)
def test_bad_arguments(corpus, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        text_dataset_from_directory(corpus, verbose=False, **kwargs)


def test_empty_or_missing_directory(tmp_path):
    with pytest.raises(ValueError, match="no .txt files found in"):
        text_dataset_from_directory(str(tmp_path), verbose=False)
    with pytest.raises(ValueError, match="does not exist or is not a folder"):
        text_dataset_from_directory(str(tmp_path / "nope"), verbose=False)


def test_verbose_counts(corpus, capsys):
    text_dataset_from_directory(corpus, seed=1, validation_split=0.25, subset="training")
    out = capsys.readouterr().out
    assert "Found 16 files belonging to 3 classes." in out and "Using 12 files for training." in out
