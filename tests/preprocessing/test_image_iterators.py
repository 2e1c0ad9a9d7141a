"""flow_from_directory / flow_from_dataframe against Keras's legacy iterators on generated image folders."""
import os

import numpy as np
import pytest
from PIL import Image

from lamina.preprocessing.image import DirectoryIterator, ImageDataGenerator

RNG = np.random.RandomState(11)
CLASSES = ("dogs", "cats", "birds")
AUGMENTATIONS = dict(rotation_range=30, zoom_range=0.2, horizontal_flip=True, rescale=1 / 255.0)


def _make_folder(root, per_class=(4, 5, 3)):
    """Class folders of PNG/JPEG/BMP/TIFF images of different sizes (one nested), plus files to ignore."""
    for name, count in zip(CLASSES, per_class):
        for i in range(count):
            folder = os.path.join(root, name, "more") if i == 1 else os.path.join(root, name)
            os.makedirs(folder, exist_ok=True)
            pixels = (RNG.rand(12 + i, 10 + 2 * i, 3) * 255).astype("uint8")
            extension = ("png", "jpg", "bmp", "tif")[i % 4]
            Image.fromarray(pixels).save(os.path.join(folder, f"{name}_{i}.{extension}"))
        with open(os.path.join(root, name, "labels.csv"), "w") as handle:
            handle.write("not an image")
    return str(root)


@pytest.fixture
def folder(tmp_path):
    return _make_folder(tmp_path / "train")


@pytest.fixture
def keras_legacy(keras):
    from keras.src.legacy.preprocessing import image

    return image


@pytest.mark.parametrize("class_mode", ["categorical", "sparse", "input", None])
def test_flow_from_directory_equals_keras(keras_legacy, folder, class_mode, capsys):
    kwargs = dict(target_size=(8, 8), class_mode=class_mode, batch_size=5, seed=4)
    ours = ImageDataGenerator(**AUGMENTATIONS).flow_from_directory(folder, **kwargs)
    theirs = keras_legacy.ImageDataGenerator(**AUGMENTATIONS).flow_from_directory(folder, **kwargs)
    assert capsys.readouterr().out.count("Found 12 images belonging to 3 classes.") == 2
    assert ours.class_indices == theirs.class_indices == {"birds": 0, "cats": 1, "dogs": 2}
    assert ours.filenames == theirs.filenames and ours.filepaths == theirs.filepaths
    np.testing.assert_array_equal(ours.classes, theirs.classes)
    assert ours.samples == ours.n == 12 and ours.num_classes == 3 and ours.image_shape == (8, 8, 3)
    for index in range(len(ours)):
        a, b = ours[index], theirs[index]
        if class_mode is None:
            a, b = (a,), (b,)
        for mine, reference in zip(a, b):
            np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-5)


def test_labels_name_the_folder_of_each_file(folder):
    it = ImageDataGenerator().flow_from_directory(folder, target_size=(4, 4), batch_size=12, shuffle=False)
    names = {index: name for name, index in it.class_indices.items()}
    assert [names[c] for c in it.classes] == [path.split(os.sep)[0] for path in it.filenames]
    x, y = it[0]
    assert y.shape == (12, 3) and y.dtype == np.float32
    assert y.argmax(1).tolist() == it.classes.tolist()
    assert "dogs/more/dogs_1.jpg" in [name.replace(os.sep, "/") for name in it.filenames]


def test_binary_mode_and_explicit_classes(keras_legacy, folder):
    kwargs = dict(target_size=(6, 6), classes=["dogs", "cats"], class_mode="binary", batch_size=9, shuffle=False)
    ours = ImageDataGenerator().flow_from_directory(folder, **kwargs)
    theirs = keras_legacy.ImageDataGenerator().flow_from_directory(folder, **kwargs)
    assert ours.class_indices == {"dogs": 0, "cats": 1}
    np.testing.assert_array_equal(ours[0][1], theirs[0][1])
    assert ours[0][1].tolist() == [0.0] * 4 + [1.0] * 5


@pytest.mark.parametrize("subset", ["training", "validation"])
def test_subsets_split_each_class_like_keras(keras_legacy, folder, subset):
    kwargs = dict(target_size=(6, 6), subset=subset, shuffle=False)
    ours = ImageDataGenerator(validation_split=0.4).flow_from_directory(folder, **kwargs)
    theirs = keras_legacy.ImageDataGenerator(validation_split=0.4).flow_from_directory(folder, **kwargs)
    assert ours.filenames == theirs.filenames
    np.testing.assert_array_equal(ours.classes, theirs.classes)
    other = ImageDataGenerator(validation_split=0.4).flow_from_directory(
        folder, target_size=(6, 6), subset="validation" if subset == "training" else "training")
    assert not set(ours.filenames) & set(other.filenames) and len(ours.filenames) + len(other.filenames) == 12


@pytest.mark.parametrize("color_mode,channels", [("grayscale", 1), ("rgba", 4)])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_color_modes_interpolation_and_aspect(keras_legacy, folder, color_mode, channels, interpolation):
    kwargs = dict(target_size=(5, 7), color_mode=color_mode, interpolation=interpolation, keep_aspect_ratio=True,
                  batch_size=12, shuffle=False, class_mode=None)
    ours = ImageDataGenerator().flow_from_directory(folder, **kwargs)[0]
    theirs = keras_legacy.ImageDataGenerator().flow_from_directory(folder, **kwargs)[0]
    assert ours.shape == (12, 5, 7, channels)
    np.testing.assert_array_equal(ours, theirs)


def test_hidden_folders_are_not_classes(folder):
    os.makedirs(os.path.join(folder, ".ipynb_checkpoints"))
    it = ImageDataGenerator().flow_from_directory(folder, target_size=(4, 4))
    assert sorted(it.class_indices) == ["birds", "cats", "dogs"]


def test_directory_iterator_without_generator_and_reshuffling(folder):
    it = DirectoryIterator(folder, None, target_size=(4, 4), class_mode="sparse", batch_size=12, seed=3)
    first = it[0][1].tolist()
    it.on_epoch_end()
    second = it[0][1].tolist()
    assert sorted(first) == sorted(second) == sorted(it.classes.tolist()) and first != second


@pytest.mark.filterwarnings("ignore:Found 1 invalid image filename")  # Keras's own notice
def test_flow_from_dataframe_equals_keras(keras_legacy, folder):
    import pandas as pd  # optional for users (only flow_from_dataframe needs it), a test dependency
    files = sorted(name for name in os.listdir(os.path.join(folder, "cats")) if name.startswith("cats_"))
    frame = pd.DataFrame({
        "filename": [os.path.join("cats", name) for name in files] + ["cats/missing.png"],
        "class": ["a", "b", "a", "b", "a"],
        "weight": [1.0, 2.0, 3.0, 4.0, 5.0],
    })
    for class_mode in ("categorical", "binary", "sparse", "raw", None):
        kwargs = dict(directory=folder, weight_col="weight", target_size=(6, 6), batch_size=4, seed=2,
                      class_mode=class_mode, y_col="weight" if class_mode == "raw" else "class")
        with pytest.warns(UserWarning, match="missing"):
            ours = ImageDataGenerator(**AUGMENTATIONS).flow_from_dataframe(frame, **kwargs)
        theirs = keras_legacy.ImageDataGenerator(**AUGMENTATIONS).flow_from_dataframe(frame, **kwargs)
        assert ours.filenames == theirs.filenames and len(ours.filenames) == 4
        for mine, reference in zip(ours[0], theirs[0]):
            np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-5)


def test_flow_from_dataframe_errors(folder):
    import pandas as pd
    frame = pd.DataFrame({"filename": ["cats/cats_0.png"], "label": ["a"]})
    with pytest.raises(KeyError, match=r"column 'class' is not in the dataframe; its columns are \['filename', 'label'\]"):
        ImageDataGenerator().flow_from_dataframe(frame, folder)
    with pytest.raises(ValueError, match=r"class_mode='binary' needs exactly 2 classes; found 1"):
        ImageDataGenerator().flow_from_dataframe(frame, folder, y_col="label", class_mode="binary")
    with pytest.raises(TypeError, match="y_col to be a list"):
        ImageDataGenerator().flow_from_dataframe(frame, folder, y_col="label", class_mode="multi_output")


def test_fit_and_fit_generator_train_on_flow_from_directory(tmp_path):
    import lamina as keras

    root = tmp_path / "colours"
    for index, name in enumerate(("red", "green")):  # classes told apart by colour
        for i in range(10):
            pixels = (RNG.rand(12, 12, 3) * 60).astype("uint8")
            pixels[..., index] += 150
            os.makedirs(root / name, exist_ok=True)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    train = ImageDataGenerator(rescale=1 / 255.0, rotation_range=20, horizontal_flip=True).flow_from_directory(
        str(root), target_size=(8, 8), batch_size=5, class_mode="binary", seed=1)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Input((8, 8, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["acc"])
    history = model.fit(train, epochs=6, verbose=0)
    more = model.fit_generator(train, steps_per_epoch=len(train), epochs=2, verbose=0)
    assert more.history["loss"][-1] < history.history["loss"][0]
    plain = ImageDataGenerator(rescale=1 / 255.0).flow_from_directory(str(root), target_size=(8, 8), batch_size=20,
                                                                      class_mode="binary", shuffle=False)
    loss, accuracy = model.evaluate(plain, verbose=0)
    assert accuracy == 1.0


# -- bad input --------------------------------------------------------------------------------------------


def test_folder_without_images_is_an_error(tmp_path):
    (tmp_path / "cats").mkdir()
    (tmp_path / "cats" / "notes.txt").write_text("no images")
    with pytest.raises(ValueError, match=r"no images in '.*' \(looked in the class sub-folders \['cats'\]\). Allowed formats: \('png'"):
        ImageDataGenerator().flow_from_directory(str(tmp_path))


def test_flow_from_directory_errors(folder, tmp_path):
    datagen = ImageDataGenerator()
    with pytest.raises(ValueError, match=r"class_mode must be one of .*received class_mode='onehot'"):
        datagen.flow_from_directory(folder, class_mode="onehot")
    with pytest.raises(ValueError, match=r"class_mode='binary' needs exactly 2 classes; found \['birds', 'cats', 'dogs'\]"):
        datagen.flow_from_directory(folder, class_mode="binary")
    with pytest.raises(ValueError, match=r"classes \['fish'\] are not sub-folders"):
        datagen.flow_from_directory(folder, classes=["cats", "fish"])
    with pytest.raises(ValueError, match=r"directory '.*nowhere' does not exist"):
        datagen.flow_from_directory(str(tmp_path / "nowhere"))
    with pytest.raises(ValueError, match=r"color_mode must be one of .*received color_mode='hsv'"):
        datagen.flow_from_directory(folder, color_mode="hsv")
    with pytest.raises(ValueError, match=r"target_size must be \(height, width\)"):
        datagen.flow_from_directory(folder, target_size=(150,))
    with pytest.raises(ValueError, match=r"subset='training' needs ImageDataGenerator\(validation_split=...\)"):
        datagen.flow_from_directory(folder, subset="training")
