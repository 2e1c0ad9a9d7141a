"""lamina.preprocessing.sequence against Keras 2's reference (keras-preprocessing) and documented behaviour."""
import json

import numpy as np
import pytest

from lamina.preprocessing import sequence
from lamina.utils import PyDataset

from keras_preprocessing import sequence as reference  # Keras 2 reference (test extra)


def _batches(generator):
    return [generator[i] for i in range(len(generator))]


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(length=10, sampling_rate=2, batch_size=2),
        dict(length=3, stride=2, batch_size=5),
        dict(length=4, start_index=5, end_index=30, batch_size=7),
        dict(length=5, reverse=True, batch_size=8),
        dict(length=1, batch_size=128),
        dict(length=6, sampling_rate=3, stride=4, start_index=2, end_index=44, batch_size=3),
    ],
)
def test_timeseries_generator_matches_keras2(kwargs):
    data = np.random.RandomState(1).rand(50, 3)
    targets = np.arange(50) * 10
    ours = sequence.TimeseriesGenerator(data, targets, **kwargs)
    theirs = reference.TimeseriesGenerator(data, targets, **kwargs)
    assert isinstance(ours, PyDataset)
    assert len(ours) == len(theirs)
    for (x, y), (x_ref, y_ref) in zip(_batches(ours), _batches(theirs)):
        np.testing.assert_array_equal(x, x_ref)
        np.testing.assert_array_equal(y, y_ref)


def test_timeseries_generator_documented_example_and_shuffle():
    data = np.array([[i] for i in range(50)])
    gen = sequence.TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
    x, y = gen[0]
    assert len(gen) == 20
    np.testing.assert_array_equal(x, [[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]])
    np.testing.assert_array_equal(y, [[10], [11]])
    shuffled = sequence.TimeseriesGenerator(data, data, length=10, shuffle=True, batch_size=6)
    x, y = shuffled[0]
    assert x.shape == (6, 10, 1)
    np.testing.assert_array_equal(x[:, -1, 0] + 1, y[:, 0])  # each window ends just before its target
    config = json.loads(gen.to_json())["config"]
    assert json.loads(config["data"]) == data.tolist() and config["start_index"] == 10


def test_timeseries_generator_errors():
    with pytest.raises(ValueError, match="same length; received 5 rows of data and 4 targets"):
        sequence.TimeseriesGenerator(np.zeros(5), np.zeros(4), length=2)
    with pytest.raises(ValueError, match="start_index \\+ length = 12 > end_index = 9"):
        sequence.TimeseriesGenerator(np.zeros(10), np.zeros(10), length=12)
    with pytest.raises(ValueError, match="length must be a positive integer; received length=0"):
        sequence.TimeseriesGenerator(np.zeros(10), np.zeros(10), length=0)
    with pytest.raises(IndexError, match="out of range"):
        sequence.TimeseriesGenerator(np.zeros(10), np.zeros(10), length=2)[5]


def test_make_sampling_table_matches_keras2():
    for size, factor in ((1, 1e-5), (10, 1e-5), (10000, 1e-3)):
        np.testing.assert_array_equal(sequence.make_sampling_table(size, factor),
                                      reference.make_sampling_table(size, factor))


def _positive_pairs(seq, window):
    pairs = []
    for i, wi in enumerate(seq):
        for j in range(max(0, i - window), min(len(seq), i + window + 1)):
            if wi and seq[j] and j != i:
                pairs.append((wi, seq[j]))
    return sorted(pairs)


def test_skipgrams_pairs_labels_and_negatives():
    seq = [1, 4, 0, 2, 3, 5, 5, 1]
    couples, labels = sequence.skipgrams(seq, vocabulary_size=6, window_size=2, negative_samples=0.5, seed=3)
    positives = sorted(tuple(c) for c, label in zip(couples, labels) if label == 1)
    negatives = [c for c, label in zip(couples, labels) if label == 0]
    assert positives == _positive_pairs(seq, 2)
    # Keras 2's reference gives the same multiset of positive pairs and the same number of negatives
    ref_couples, ref_labels = reference.skipgrams(seq, vocabulary_size=6, window_size=2, negative_samples=0.5,
                                                  shuffle=False)
    assert positives == sorted(tuple(c) for c, label in zip(ref_couples, ref_labels) if label == 1)
    assert len(negatives) == ref_labels.count(0) == int(0.5 * len(positives))
    assert all(c[0] in seq and 1 <= c[1] <= 5 for c in negatives)
    again = sequence.skipgrams(seq, vocabulary_size=6, window_size=2, negative_samples=0.5, seed=3)
    assert again == (couples, labels)  # the seed fixes everything


def test_skipgrams_categorical_unshuffled_and_sampling_table():
    couples, labels = sequence.skipgrams([1, 2, 3], 4, window_size=1, negative_samples=0, shuffle=False,
                                         categorical=True)
    assert couples == [[1, 2], [2, 1], [2, 3], [3, 2]] and labels == [[0, 1]] * 4
    table = np.zeros(4)  # never keep any word
    assert sequence.skipgrams([1, 2, 3], 4, sampling_table=table, seed=0) == ([], [])
    with pytest.raises(ValueError, match="vocabulary_size must be an integer >= 2; received 1"):
        sequence.skipgrams([1], 1)


def test_keras_namespaces():
    import lamina
    from lamina import preprocessing, utils

    assert preprocessing.sequence.pad_sequences is utils.pad_sequences
    assert preprocessing.text_dataset_from_directory is utils.text_dataset_from_directory
    assert preprocessing.timeseries_dataset_from_array is utils.timeseries_dataset_from_array
    assert preprocessing.image_dataset_from_directory is utils.image_dataset_from_directory
    assert preprocessing.image.__name__ == "lamina.preprocessing.image"  # imported on first use
    assert lamina.preprocessing is preprocessing and lamina.datasets.imdb.load_data
    with pytest.raises(AttributeError, match="has no attribute 'audio'"):
        preprocessing.audio
