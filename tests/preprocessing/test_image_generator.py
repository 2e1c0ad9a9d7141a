"""ImageDataGenerator and flow(): Keras's batches for the same seed, each option's documented effect, errors."""
import contextlib

import numpy as np
import pytest

from lamina.preprocessing.image import ImageDataGenerator, NumpyArrayIterator
from lamina.utils import PyDataset

RNG = np.random.RandomState(0)
X = (RNG.rand(10, 9, 9, 3) * 255).astype("float32")
Y = np.arange(10)

# every option except the shifts, whose axes Keras 3 swaps (keras-team/keras#17398; tested separately below)
AUGMENTATIONS = dict(rotation_range=40, shear_range=20, zoom_range=0.3, horizontal_flip=True, vertical_flip=True,
                     channel_shift_range=20.0, brightness_range=(0.5, 1.5), rescale=1 / 255.0)


@pytest.fixture
def keras_legacy(keras):
    from keras.src.legacy.preprocessing import image

    return image


@pytest.mark.parametrize("fill_mode", ["nearest", "constant", "reflect", "wrap"])
def test_flow_batches_equal_keras_for_the_same_seed(keras_legacy, fill_mode):
    ours = ImageDataGenerator(**AUGMENTATIONS, fill_mode=fill_mode, cval=3.0).flow(X, Y, batch_size=4, seed=3)
    theirs = keras_legacy.ImageDataGenerator(**AUGMENTATIONS, fill_mode=fill_mode, cval=3.0).flow(X, Y, batch_size=4, seed=3)
    for epoch in range(2):
        for index in range(len(ours)):
            (a, ya), (b, yb) = ours[index], theirs[index]
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
            np.testing.assert_array_equal(ya, yb)
        ours.on_epoch_end()
        theirs.on_epoch_end()


def test_next_batches_equal_keras_across_epochs(keras_legacy):
    ours = ImageDataGenerator(**AUGMENTATIONS).flow(X, Y, batch_size=4, seed=5)
    theirs = keras_legacy.ImageDataGenerator(**AUGMENTATIONS).flow(X, Y, batch_size=4, seed=5)
    sizes = []
    for _ in range(7):  # 10 samples in batches of 4: 4, 4, 2, then a reshuffled epoch
        (a, ya), (b, yb) = next(ours), next(theirs)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(ya, yb)
        sizes.append(len(a))
    assert sizes == [4, 4, 2, 4, 4, 2, 4]
    assert iter(ours) is ours and ours.next()[0].shape[1:] == (9, 9, 3)


def test_get_random_transform_equals_keras_with_the_shift_axes_fixed(keras_legacy):
    kwargs = dict(AUGMENTATIONS, width_shift_range=0.2, height_shift_range=[1, 2, 3])
    ours = ImageDataGenerator(**kwargs).get_random_transform((9, 9, 3), seed=4)
    theirs = keras_legacy.ImageDataGenerator(**kwargs).get_random_transform((9, 9, 3), seed=4)
    # Keras 3 draws the height shift into "tx" (the x = width axis); lamina puts it on y
    theirs["tx"], theirs["ty"] = theirs["ty"], theirs["tx"]
    assert ours == pytest.approx(theirs)
    assert ours["ty"] in (-3, -2, -1, 1, 2, 3) and abs(ours["tx"]) <= 0.2 * 9


def test_apply_transform_equals_keras(keras_legacy):
    params = dict(theta=25.0, tx=1.5, ty=-2.0, shear=10.0, zx=0.9, zy=1.2, flip_horizontal=1, flip_vertical=1,
                  channel_shift_intensity=12.0, brightness=1.3)
    ours = ImageDataGenerator(fill_mode="reflect").apply_transform(X[0].copy(), params)
    theirs = keras_legacy.ImageDataGenerator(fill_mode="reflect").apply_transform(X[0].copy(), params)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("shift_range", [3, [3], 3.0, 3 / 9])
def test_width_shift_moves_images_horizontally(shift_range):
    """Keras 2's documented meaning: a width shift moves content along the columns, by whole pixels here."""
    x = np.zeros((6, 9, 9, 1), "float32")
    x[:, :, 4] = 1.0  # a vertical line in the middle column
    batch = ImageDataGenerator(width_shift_range=shift_range, fill_mode="constant").flow(x, batch_size=6, seed=1)[0]
    for image in batch[..., 0]:
        np.testing.assert_allclose(image, image[:1].repeat(9, axis=0))  # still a vertical line
        if isinstance(shift_range, list):
            assert np.argmax(image[0]) in (1, 7)  # exactly 3 pixels left or right


def test_height_shift_moves_images_vertically():
    x = np.zeros((6, 9, 9, 1), "float32")
    x[:, 4, :] = 1.0  # a horizontal line
    batch = ImageDataGenerator(height_shift_range=[2], fill_mode="constant").flow(x, batch_size=6, seed=2)[0]
    for image in batch[..., 0]:
        assert np.argmax(image[:, 0]) in (2, 6) and np.allclose(image, image[:, :1])


def test_identity_when_every_option_is_off():
    it = ImageDataGenerator().flow(X, Y, batch_size=4, shuffle=False)
    np.testing.assert_array_equal(it[1][0], X[4:8])
    np.testing.assert_array_equal(it[1][1], Y[4:8])
    assert it[2][0].shape == (2, 9, 9, 3)


@pytest.mark.parametrize("option", [
    dict(rotation_range=30), dict(width_shift_range=0.3), dict(height_shift_range=0.3), dict(shear_range=30),
    dict(zoom_range=0.4), dict(horizontal_flip=True), dict(vertical_flip=True), dict(channel_shift_range=50.0),
    dict(brightness_range=(0.3, 0.6)), dict(rescale=0.5), dict(samplewise_center=True),
    dict(preprocessing_function=lambda image: 255.0 - image),
])
def test_each_option_changes_the_batches(option):
    plain = ImageDataGenerator().flow(X, batch_size=10, shuffle=False)[0]
    changed = ImageDataGenerator(**option).flow(X, batch_size=10, shuffle=False, seed=8)[0]
    assert changed.shape == plain.shape
    different = [not np.allclose(a, b) for a, b in zip(changed, plain)]
    assert sum(different) >= 3  # flips leave about half of the images alone


def test_seed_makes_augmentation_reproducible():
    datagen = ImageDataGenerator(**AUGMENTATIONS, width_shift_range=0.2)
    first = datagen.flow(X, Y, batch_size=5, seed=21)
    second = datagen.flow(X, Y, batch_size=5, seed=21)
    other = datagen.flow(X, Y, batch_size=5, seed=22)
    np.testing.assert_array_equal(first[0][0], second[0][0])
    assert not np.allclose(first[0][0], other[0][0])
    state = np.random.get_state()[1].copy()
    first[1]
    assert (np.random.get_state()[1] == state).all()  # NumPy's global generator is left alone
    a = datagen.random_transform(X[0], seed=9)
    np.testing.assert_array_equal(a, datagen.random_transform(X[0], seed=9))


def test_unseeded_iterators_follow_numpys_global_seed():
    datagen = ImageDataGenerator(rotation_range=30)
    np.random.seed(4)
    a = datagen.flow(X, batch_size=5)[0]
    np.random.seed(4)
    np.testing.assert_array_equal(a, datagen.flow(X, batch_size=5)[0])


def test_iterator_is_a_pydataset_with_reshuffling():
    it = ImageDataGenerator().flow(X, Y, batch_size=3, seed=1)
    assert isinstance(it, PyDataset) and isinstance(it, NumpyArrayIterator) and len(it) == 4
    first_epoch = np.concatenate([it[i][1] for i in range(len(it))])
    assert sorted(first_epoch) == list(range(10))
    it.on_epoch_end()
    second_epoch = np.concatenate([it[i][1] for i in range(len(it))])
    assert sorted(second_epoch) == list(range(10)) and list(second_epoch) != list(first_epoch)
    with pytest.raises(IndexError, match="batch index 4 out of range for 4 batches"):
        it[4]


def test_flow_with_sample_weight_and_extra_inputs():
    weights = np.linspace(0, 1, 10)
    extra = np.arange(10) * 10
    x, y, w = ImageDataGenerator().flow(X, Y, sample_weight=weights, batch_size=4, shuffle=False)[0]
    np.testing.assert_array_equal(w, weights[:4])
    inputs, labels = ImageDataGenerator().flow((X, extra), Y, batch_size=4, shuffle=False)[1]
    assert isinstance(inputs, list) and inputs[1].tolist() == [40, 50, 60, 70] and labels.tolist() == [4, 5, 6, 7]


def test_flow_subsets_match_keras(keras_legacy):
    y = np.arange(20) % 2
    x = (RNG.rand(20, 4, 4, 1) * 255).astype("float32")
    for subset in ("training", "validation"):
        ours = ImageDataGenerator(validation_split=0.25).flow(x, y, batch_size=20, shuffle=False, subset=subset)
        theirs = keras_legacy.ImageDataGenerator(validation_split=0.25).flow(x, y, batch_size=20, shuffle=False,
                                                                              subset=subset)
        np.testing.assert_array_equal(ours[0][0], theirs[0][0])
        assert ours.n == (15 if subset == "training" else 5)


@pytest.mark.filterwarnings("ignore:This ImageDataGenerator specifies")  # Keras's own notice
def test_featurewise_statistics_and_zca_match_keras(keras_legacy):
    x = (RNG.rand(12, 5, 5, 3) * 255).astype("float32")
    options = [
        dict(featurewise_center=True, featurewise_std_normalization=True, rescale=1 / 255.0),
        dict(zca_whitening=True),
        dict(samplewise_center=True, samplewise_std_normalization=True),
    ]
    for kwargs in options:
        overrides = "zca_whitening" in kwargs
        with pytest.warns(UserWarning, match="switches") if overrides else contextlib.nullcontext():
            ours = ImageDataGenerator(**kwargs)
        theirs = keras_legacy.ImageDataGenerator(**kwargs)
        ours.fit(x)
        theirs.fit(x)
        for name in ("mean", "std", "zca_whitening_matrix"):
            if getattr(theirs, name) is not None:
                np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(ours.standardize(x[0].copy()), theirs.standardize(x[0].copy()), rtol=1e-4, atol=1e-3)


def test_fit_with_augmentation_is_seeded(keras_legacy):
    x = (RNG.rand(6, 5, 5, 3) * 255).astype("float32")
    ours = ImageDataGenerator(featurewise_center=True, rotation_range=40)
    theirs = keras_legacy.ImageDataGenerator(featurewise_center=True, rotation_range=40)
    ours.fit(x, augment=True, rounds=2, seed=3)
    theirs.fit(x, augment=True, rounds=2, seed=3)
    np.testing.assert_allclose(ours.mean, theirs.mean, rtol=1e-5)


def test_standardize_before_fit_warns():
    with pytest.warns(UserWarning, match="featurewise_center is set but the generator has not been fit"):
        ImageDataGenerator(featurewise_center=True).standardize(X[0].copy())


def test_channels_first():
    x = X.transpose(0, 3, 1, 2)
    datagen = ImageDataGenerator(data_format="channels_first", rotation_range=30, horizontal_flip=True,
                                 brightness_range=(0.8, 1.2))
    last = ImageDataGenerator(rotation_range=30, horizontal_flip=True, brightness_range=(0.8, 1.2))
    np.testing.assert_allclose(datagen.flow(x, batch_size=4, seed=1)[0],
                               last.flow(X, batch_size=4, seed=1)[0].transpose(0, 3, 1, 2), atol=1e-4)


def test_save_to_dir_writes_the_augmented_images(tmp_path):
    ImageDataGenerator(rotation_range=20).flow(X, batch_size=3, seed=1, save_to_dir=str(tmp_path),
                                                save_prefix="aug", save_format="jpeg")[0]
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 3 and all(name.startswith("aug_") and name.endswith(".jpeg") for name in files)


# -- bad input --------------------------------------------------------------------------------------------


def test_constructor_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"fill_mode must be one of \('nearest', 'constant', 'reflect', 'wrap'\); received fill_mode='edge'"):
        ImageDataGenerator(fill_mode="edge")
    with pytest.raises(ValueError, match=r"zoom_range must be a float or a pair .*received zoom_range=\[0.5, 1, 2\]"):
        ImageDataGenerator(zoom_range=[0.5, 1, 2])
    with pytest.raises(ValueError, match=r"data_format must be 'channels_last' or 'channels_first'; received data_format='NHWC'"):
        ImageDataGenerator(data_format="NHWC")
    with pytest.raises(ValueError, match=r"validation_split must be strictly between 0 and 1; received validation_split=1.5"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match=r"brightness_range must be None or a pair"):
        ImageDataGenerator(brightness_range=0.5)
    with pytest.raises(ValueError, match=r"width_shift_range must be a float .*received width_shift_range='wide'"):
        ImageDataGenerator(width_shift_range="wide")
    with pytest.raises(ValueError, match=r"rotation_range must be a number; received rotation_range='40'"):
        ImageDataGenerator(rotation_range="40")
    with pytest.raises(ValueError, match=r"interpolation_order must be one of \(0, 1\)"):
        ImageDataGenerator(interpolation_order=3)


def test_flow_errors():
    datagen = ImageDataGenerator()
    with pytest.raises(ValueError, match=r"x must be a rank-4 array of images .*received shape \(10, 9, 9\)"):
        datagen.flow(X[..., 0])
    with pytest.raises(ValueError, match=r"x \(images\) and y \(labels\) must have the same length"):
        datagen.flow(X, Y[:5])
    with pytest.raises(ValueError, match="x \\(images\\) and sample_weight must have the same length"):
        datagen.flow(X, Y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"subset='validation' needs ImageDataGenerator\(validation_split=...\)"):
        datagen.flow(X, Y, subset="validation")
    with pytest.raises(ValueError, match=r"subset must be one of \('training', 'validation'\)"):
        ImageDataGenerator(validation_split=0.2).flow(X, Y, subset="test")
    with pytest.raises(ValueError, match="hold different classes after the split"):
        ImageDataGenerator(validation_split=0.3).flow(X, np.sort(Y % 2), subset="training")
    with pytest.raises(ValueError, match=r"batch_size must be a positive integer; received batch_size=0"):
        datagen.flow(X, batch_size=0)
    with pytest.warns(UserWarning, match=r"usually holds 1, 3 or 4 values; received x.shape=\(2, 4, 4, 7\)"):
        datagen.flow(np.zeros((2, 4, 4, 7)))
