"""image_dataset_from_directory: Keras's file order, labels and split; Keras's (TensorFlow-free) image loader."""
import os

import numpy as np
import pytest
import torch
from PIL import Image

from lamina.utils import BatchDataset, image_dataset_from_directory

RNG = np.random.RandomState(7)
CLASSES = ("cats", "dogs", "birds")


def _make_folder(root, per_class=(5, 4, 3)):
    """Class folders of PNG/JPEG/BMP images of different sizes, a nested folder, plus files to ignore."""
    for name, count in zip(CLASSES, per_class):
        for i in range(count):
            folder = os.path.join(root, name, "nested") if i == 0 else os.path.join(root, name)
            os.makedirs(folder, exist_ok=True)
            pixels = (RNG.rand(10 + i, 14 - i, 3) * 255).astype("uint8")
            extension = ("png", "jpg", "bmp")[i % 3]
            Image.fromarray(pixels).save(os.path.join(folder, f"{name}_{i}.{extension}"))
        with open(os.path.join(root, name, "notes.txt"), "w") as handle:
            handle.write("not an image")
    os.makedirs(os.path.join(root, ".ipynb_checkpoints"))
    return str(root)


@pytest.fixture
def folder(tmp_path):
    return _make_folder(tmp_path / "data")


@pytest.fixture
def keras_dataset_utils(keras):
    from keras.src.utils import dataset_utils

    return dataset_utils


def _label_of(path, root):
    return os.path.relpath(path, root).split(os.sep)[0]


@pytest.mark.parametrize("shuffle,seed", [(True, 3), (True, 1234), (False, None)])
def test_files_labels_and_classes_match_keras(keras_dataset_utils, folder, shuffle, seed, capsys):
    ds = image_dataset_from_directory(folder, shuffle=shuffle, seed=seed, image_size=(8, 8))
    out = capsys.readouterr().out
    assert "Found 12 files belonging to 3 classes." in out
    paths, labels, names = keras_dataset_utils.index_directory(
        folder, "inferred", formats=(".bmp", ".gif", ".jpeg", ".jpg", ".png"), shuffle=shuffle, seed=seed,
        verbose=False,
    )
    assert ds.class_names == names == sorted(CLASSES)
    assert ds.file_paths == paths
    if not shuffle:
        images, ours = ds[0]
        assert ours.tolist() == labels.tolist()


@pytest.mark.parametrize("split", [0.25, 0.5])
def test_validation_split_gives_keras_subsets(keras_dataset_utils, folder, split):
    train, val = image_dataset_from_directory(folder, validation_split=split, subset="both", seed=11,
                                              image_size=(8, 8), verbose=False)
    paths, labels, _ = keras_dataset_utils.index_directory(
        folder, "inferred", formats=(".bmp", ".gif", ".jpeg", ".jpg", ".png"), seed=11, verbose=False
    )
    expected_train, _ = keras_dataset_utils.get_training_or_validation_split(paths, labels, split, "training")
    expected_val, _ = keras_dataset_utils.get_training_or_validation_split(paths, labels, split, "validation")
    assert train.file_paths == expected_train and val.file_paths == expected_val
    assert not set(train.file_paths) & set(val.file_paths)
    only_train = image_dataset_from_directory(folder, validation_split=split, subset="training", seed=11,
                                              image_size=(8, 8), verbose=False)
    only_val = image_dataset_from_directory(folder, validation_split=split, subset="validation", seed=11,
                                            image_size=(8, 8), verbose=False)
    assert only_train.file_paths == expected_train and only_val.file_paths == expected_val


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("aspect", ["stretch", "crop", "pad"])
@pytest.mark.parametrize("color_mode,channels", [("rgb", 3), ("grayscale", 1), ("rgba", 4)])
def test_images_match_keras_loader(keras, folder, interpolation, aspect, color_mode, channels):
    from keras.src.utils.image_dataset_utils import _load_image_grain

    crop, pad = aspect == "crop", aspect == "pad"
    ds = image_dataset_from_directory(folder, image_size=(9, 6), batch_size=5, shuffle=False, color_mode=color_mode,
                                      interpolation=interpolation, crop_to_aspect_ratio=crop,
                                      pad_to_aspect_ratio=pad, verbose=False)
    images, _ = ds[0]
    assert images.dtype == torch.float32 and tuple(images.shape) == (5, 9, 6, channels)
    for image, path in zip(images, ds.file_paths[:5]):
        expected = _load_image_grain(path, (9, 6), channels, interpolation, "channels_last", crop, pad)
        torch.testing.assert_close(image, expected, rtol=1e-5, atol=1e-3)


def test_channels_first(keras, folder):
    from keras.src.utils.image_dataset_utils import _load_image_grain

    ds = image_dataset_from_directory(folder, image_size=(5, 7), shuffle=False, data_format="channels_first",
                                      verbose=False)
    images, _ = ds[0]
    assert tuple(images.shape) == (12, 3, 5, 7)
    expected = _load_image_grain(ds.file_paths[3], (5, 7), 3, "bilinear", "channels_first")
    torch.testing.assert_close(images[3], expected, rtol=1e-5, atol=1e-3)


def test_label_modes(folder):
    kwargs = dict(image_size=(4, 4), batch_size=12, seed=5, verbose=False)
    ints = image_dataset_from_directory(folder, **kwargs)
    images, labels = ints[0]
    assert labels.dtype == torch.int32 and tuple(labels.shape) == (12,)
    assert [ints.class_names[i] for i in labels.tolist()] == [_label_of(p, folder) for p in ints.file_paths]
    onehot = image_dataset_from_directory(folder, label_mode="categorical", **kwargs)[0][1]
    assert onehot.dtype == torch.float32 and tuple(onehot.shape) == (12, 3)
    assert onehot.argmax(1).tolist() == labels.tolist() and onehot.sum(1).tolist() == [1.0] * 12
    only_images = image_dataset_from_directory(folder, label_mode=None, **kwargs)[0]
    torch.testing.assert_close(only_images, images)
    binary = image_dataset_from_directory(folder, label_mode="binary", class_names=["dogs", "cats"], **kwargs)
    batch_labels = binary[0][1]
    assert batch_labels.dtype == torch.float32 and tuple(batch_labels.shape) == (9, 1)
    assert batch_labels[:, 0].tolist() == [float(_label_of(p, folder) == "cats") for p in binary.file_paths]


def test_class_names_select_and_order_folders(folder):
    ds = image_dataset_from_directory(folder, class_names=["dogs", "birds"], image_size=(4, 4), shuffle=False,
                                      verbose=False)
    assert ds.class_names == ["dogs", "birds"] and len(ds.file_paths) == 7
    assert ds[0][1].tolist() == [0] * 4 + [1] * 3


def test_explicit_labels_follow_sorted_paths(folder):
    labels = np.arange(12) % 2
    ds = image_dataset_from_directory(folder, labels=labels, image_size=(4, 4), shuffle=False, verbose=False)
    assert ds.class_names == ["0", "1"]
    assert ds[0][1].tolist() == labels.tolist()
    assert ds.file_paths == sorted(ds.file_paths, key=lambda p: os.path.relpath(p, folder))


def test_batching_length_and_unbatched_samples(folder):
    ds = image_dataset_from_directory(folder, image_size=(4, 4), batch_size=5, seed=1, verbose=False)
    assert isinstance(ds, BatchDataset) and len(ds) == 3
    assert [len(ds[i][0]) for i in range(3)] == [5, 5, 2]
    with pytest.raises(IndexError, match="batch index 3 out of range"):
        ds[3]
    single = image_dataset_from_directory(folder, image_size=(4, 4), batch_size=None, seed=1, verbose=False)
    assert len(single) == 12
    image, label = single[0]
    assert tuple(image.shape) == (4, 4, 3) and label.ndim == 0
    torch.testing.assert_close(image, ds[0][0][0])
    taken = ds.map(lambda x, y: (x / 255.0, y)).take(2)
    assert len(taken) == 2 and float(taken[0][0].max()) <= 1.0


def test_shuffle_reorders_each_epoch_reproducibly(folder):
    def epochs(seed):
        ds = image_dataset_from_directory(folder, image_size=(4, 4), batch_size=12, seed=seed, verbose=False)
        orders = []
        for _ in range(3):
            orders.append(ds[0][0].sum(dim=(1, 2, 3)).tolist())
            ds.on_epoch_end()
        return orders

    first = epochs(3)
    assert first == epochs(3)
    assert first[0] != first[1] and sorted(first[0]) == pytest.approx(sorted(first[1]))
    fixed = image_dataset_from_directory(folder, image_size=(4, 4), shuffle=False, verbose=False)
    before = fixed[0][1].tolist()
    fixed.on_epoch_end()
    assert fixed[0][1].tolist() == before == sorted(before)


def test_fit_trains_a_small_model_on_the_dataset(tmp_path):
    import lamina as keras

    root = tmp_path / "colours"
    for index, name in enumerate(("red", "green", "blue")):  # classes told apart by colour
        for i in range(6):
            pixels = (RNG.rand(10, 12, 3) * 60).astype("uint8")
            pixels[..., index] += 150
            os.makedirs(root / name, exist_ok=True)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    train, val = image_dataset_from_directory(str(root), image_size=(6, 6), batch_size=4, validation_split=0.25,
                                              subset="both", seed=2, label_mode="categorical", verbose=False)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Input((6, 6, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    scaled = lambda x, y: (x / 255.0, y)  # noqa: E731
    history = model.fit(train.map(scaled), validation_data=val.map(scaled), epochs=15, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] == 1.0


# -- bad input --------------------------------------------------------------------------------------------


def test_folder_without_images_names_the_folder_and_formats(tmp_path):
    empty = tmp_path / "empty"
    (empty / "cats").mkdir(parents=True)
    (empty / "cats" / "readme.txt").write_text("no images here")
    with pytest.raises(ValueError, match=r"no images found in directory '.*empty'. Allowed formats: \('.bmp', '.gif'"):
        image_dataset_from_directory(str(empty), verbose=False)


def test_argument_errors(folder, tmp_path):
    call = lambda **kw: image_dataset_from_directory(folder, verbose=False, **kw)  # noqa: E731
    with pytest.raises(ValueError, match=r"directory '.*missing' does not exist"):
        image_dataset_from_directory(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match=r"label_mode must be one of .*received label_mode='sparse'"):
        call(label_mode="sparse")
    with pytest.raises(ValueError, match=r"label_mode='binary' needs exactly 2 classes; received class_names=\['birds', 'cats', 'dogs'\]"):
        call(label_mode="binary")
    with pytest.raises(ValueError, match=r"color_mode must be one of .*received color_mode='bgr'"):
        call(color_mode="bgr")
    with pytest.raises(ValueError, match=r"image_size must be \(height, width\).*received image_size=\(4, 4, 3\)"):
        call(image_size=(4, 4, 3))
    with pytest.raises(ValueError, match=r"interpolation='area' exists only in TensorFlow"):
        call(interpolation="area")
    with pytest.raises(ValueError, match=r"interpolation must be one of \('bilinear', 'nearest', 'bicubic'\); received interpolation='linear'"):
        call(interpolation="linear")
    with pytest.raises(ValueError, match="only one of crop_to_aspect_ratio and pad_to_aspect_ratio"):
        call(crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match=r"batch_size must be a positive integer or None; received batch_size=0"):
        call(batch_size=0)
    with pytest.raises(ValueError, match="pass a seed"):
        call(validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="validation_split and subset go together"):
        call(subset="training", seed=1)
    with pytest.raises(ValueError, match=r"labels must be 'inferred', None or a list"):
        call(labels="folders")
    with pytest.raises(ValueError, match=r"class_names .*\['fish'\]"):
        call(class_names=["cats", "fish"])
    with pytest.raises(ValueError, match=r"labels has 3 entries but 12 files"):
        call(labels=[0, 1, 0])
    with pytest.raises(ValueError, match=r"label_mode='categorical' the labels must lie in \[0, 2\)"):
        call(labels=[0, 2] * 6, label_mode="categorical")
    with pytest.raises(ValueError, match="data_format"):
        call(data_format="NHWC")
