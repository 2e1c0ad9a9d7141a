"""dataset_utils: directory indexing order, class_names, splits and label encoding."""
import numpy as np
import pytest

from lamina.utils import dataset_utils


@pytest.fixture
def folder(tmp_path):
    for name in ("b/2.txt", "b/1.TXT", "a/z/9.txt", "a/0.txt", "c/skip.csv", "top.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    return str(tmp_path)


def test_sorted_order_extensions_case_and_nested_folders(folder):
    paths, labels, classes = dataset_utils.index_directory(folder, "inferred", (".txt",), shuffle=False,
                                                           verbose=False)
    assert [p[len(folder) + 1:] for p in paths] == ["a/0.txt", "a/z/9.txt", "b/1.TXT", "b/2.txt"]
    assert labels.dtype == np.int32 and labels.tolist() == [0, 0, 1, 1] and classes == ["a", "b", "c"]
    paths, labels, classes = dataset_utils.index_directory(folder, "inferred", (".txt",), class_names=["b", "a"],
                                                           shuffle=False, verbose=False)
    assert labels.tolist() == [0, 0, 1, 1] and paths[0].endswith("b/1.TXT") and classes == ["b", "a"]


def test_shuffle_keeps_labels_with_their_files(folder):
    paths, labels, classes = dataset_utils.index_directory(folder, "inferred", (".txt",), seed=4, verbose=False)
    for path, label in zip(paths, labels):
        assert path[len(folder) + 1:].startswith(classes[label])
    again, _, _ = dataset_utils.index_directory(folder, "inferred", (".txt",), seed=4, verbose=False)
    assert again == paths


def test_split_and_encoding():
    samples, labels = list("abcdefghij"), np.arange(10)
    train = dataset_utils.get_training_or_validation_split(samples, labels, 0.3, "training", verbose=False)
    val = dataset_utils.get_training_or_validation_split(samples, labels, 0.3, "validation", verbose=False)
    assert train[0] == list("abcdefg") and val[0] == list("hij") and val[1].tolist() == [7, 8, 9]
    assert dataset_utils.get_training_or_validation_split(samples, None, 0.05, "training", verbose=False) == (
        samples, None)  # int(0.05 * 10) == 0 files held out: all for training
    assert dataset_utils.encode_labels([1, 0], "binary", 2).tolist() == [[1.0], [0.0]]
    with pytest.raises(ValueError, match="label_mode='categorical' needs labels in \\[0, 3\\) for 3 classes; "
                                         "received labels in \\[0, 5\\]"):
        dataset_utils.encode_labels([0, 5], "categorical", 3)
    with pytest.raises(ValueError, match="label_mode must be one of"):
        dataset_utils.encode_labels([0], "sparse", 3)
