"""load_img / img_to_array / array_to_img / save_img / smart_resize against Keras 3 on generated images."""
import io
import os

import numpy as np
import pytest
from PIL import Image

import lamina
from lamina.utils import image_utils

RNG = np.random.RandomState(42)


@pytest.fixture
def images(tmp_path):
    """A few small files of different modes and formats."""
    paths = {}
    rgb = (RNG.rand(13, 17, 3) * 255).astype("uint8")
    Image.fromarray(rgb).save(paths.setdefault("rgb_png", str(tmp_path / "rgb.png")))
    Image.fromarray(rgb).save(paths.setdefault("rgb_jpg", str(tmp_path / "rgb.jpg")), quality=90)
    rgba = (RNG.rand(9, 6, 4) * 255).astype("uint8")
    Image.fromarray(rgba, "RGBA").save(paths.setdefault("rgba_png", str(tmp_path / "rgba.png")))
    gray = (RNG.rand(11, 8) * 255).astype("uint8")
    Image.fromarray(gray, "L").save(paths.setdefault("gray_png", str(tmp_path / "gray.png")))
    gray16 = (RNG.rand(7, 5) * 60000).astype("uint16")
    Image.fromarray(gray16).save(paths.setdefault("gray16_png", str(tmp_path / "gray16.png")))
    palette = Image.fromarray(rgb).convert("P")
    palette.save(paths.setdefault("palette_gif", str(tmp_path / "palette.gif")))
    return paths


def _same_image(ours, theirs):
    assert ours.mode == theirs.mode
    assert ours.size == theirs.size
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


@pytest.mark.parametrize("color_mode", ["rgb", "rgba", "grayscale"])
def test_load_img_matches_keras_for_every_file_and_color_mode(keras, images, color_mode):
    for path in images.values():
        _same_image(image_utils.load_img(path, color_mode=color_mode), keras.utils.load_img(path, color_mode=color_mode))


@pytest.mark.parametrize("interpolation", sorted(image_utils.PIL_INTERPOLATION_METHODS))
@pytest.mark.parametrize("keep_aspect_ratio", [False, True])
def test_load_img_resizing_matches_keras(keras, images, interpolation, keep_aspect_ratio):
    for target in [(5, 5), (20, 7), (13, 17)]:
        kwargs = dict(target_size=target, interpolation=interpolation, keep_aspect_ratio=keep_aspect_ratio)
        ours = image_utils.load_img(images["rgb_png"], **kwargs)
        _same_image(ours, keras.utils.load_img(images["rgb_png"], **kwargs))
        assert ours.size == (target[1], target[0])


def test_load_img_accepts_pathlib_bytes_and_bytesio(keras, images):
    import pathlib

    expected = np.asarray(keras.utils.load_img(images["rgb_png"]))
    np.testing.assert_array_equal(np.asarray(image_utils.load_img(pathlib.Path(images["rgb_png"]))), expected)
    np.testing.assert_array_equal(np.asarray(image_utils.load_img(images["rgb_png"].encode())), expected)
    with open(images["rgb_png"], "rb") as handle:
        buffer = io.BytesIO(handle.read())
    np.testing.assert_array_equal(np.asarray(image_utils.load_img(buffer)), expected)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("dtype", [None, "float64", "uint8"])
def test_img_to_array_matches_keras(keras, images, data_format, dtype):
    for name, path in images.items():
        img = keras.utils.load_img(path, color_mode="grayscale" if name.startswith("gray") else "rgba")
        ours = image_utils.img_to_array(img, data_format=data_format, dtype=dtype)
        theirs = keras.utils.img_to_array(img, data_format=data_format, dtype=dtype)
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_array_to_img_matches_keras(keras, channels, scale, data_format):
    x = RNG.rand(6, 5, channels) * (255 if not scale else 3.7) - (0 if not scale else 1.2)
    if data_format == "channels_first":
        x = x.transpose(2, 0, 1)
    _same_image(
        image_utils.array_to_img(x, data_format=data_format, scale=scale),
        keras.utils.array_to_img(x, data_format=data_format, scale=scale),
    )


def test_array_to_img_keeps_16_bit_grayscale_as_mode_I(keras):
    x = RNG.rand(4, 4, 1) * 60000
    ours = image_utils.array_to_img(x, scale=False)
    assert ours.mode == "I"
    _same_image(ours, keras.utils.array_to_img(x, scale=False))


@pytest.mark.parametrize("extension", ["png", "jpg", "bmp"])
def test_save_img_writes_the_same_image_as_keras(keras, tmp_path, extension):
    x = RNG.rand(10, 12, 3) * 255
    ours, theirs = tmp_path / f"ours.{extension}", tmp_path / f"theirs.{extension}"
    image_utils.save_img(str(ours), x)
    keras.utils.save_img(str(theirs), x)
    np.testing.assert_array_equal(np.asarray(Image.open(ours)), np.asarray(Image.open(theirs)))
    assert sorted(os.listdir(tmp_path)) == sorted([ours.name, theirs.name])  # no temporary file left behind


def test_save_img_round_trips_a_png_exactly_and_creates_folders(tmp_path):
    x = RNG.randint(0, 256, (7, 9, 3)).astype("float32")
    path = tmp_path / "sub" / "dir" / "x.png"
    image_utils.save_img(path, x, scale=False)
    np.testing.assert_array_equal(image_utils.img_to_array(image_utils.load_img(path)), x)


def test_save_img_rgba_as_jpeg_warns_and_drops_alpha(tmp_path):
    with pytest.warns(UserWarning, match="alpha"):
        image_utils.save_img(tmp_path / "a.jpeg", RNG.rand(4, 4, 4))
    assert Image.open(tmp_path / "a.jpeg").mode == "RGB"


def test_save_img_to_a_file_object_needs_file_format():
    buffer = io.BytesIO()
    image_utils.save_img(buffer, RNG.rand(4, 4, 3), file_format="png")
    buffer.seek(0)
    assert image_utils.load_img(buffer).size == (4, 4)
    with pytest.raises(ValueError, match="file_format"):
        image_utils.save_img(io.BytesIO(), RNG.rand(4, 4, 3))


def test_save_img_keeps_the_old_file_when_the_image_is_bad(tmp_path):
    path = tmp_path / "x.png"
    image_utils.save_img(path, np.zeros((3, 3, 3)))
    before = path.read_bytes()
    with pytest.raises(ValueError, match="channels"):
        image_utils.save_img(path, np.zeros((3, 3, 2)))
    assert path.read_bytes() == before


@pytest.mark.parametrize("size", [(200, 200), (50, 120), (340, 500)])
def test_smart_resize_matches_keras(keras, size):
    x = (RNG.rand(340, 500, 3) * 255).astype("float32")
    theirs = keras.preprocessing.image.smart_resize(x, size)
    ours = image_utils.smart_resize(x, size)
    assert isinstance(ours, np.ndarray) and ours.shape == theirs.shape == size + (3,)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-3)


def test_public_names():
    for name in ("load_img", "img_to_array", "array_to_img", "save_img", "image_dataset_from_directory"):
        assert callable(getattr(lamina.utils, name))
    from lamina.preprocessing import image

    assert image.load_img is image_utils.load_img and image.smart_resize is image_utils.smart_resize
    assert lamina.preprocessing.image_dataset_from_directory is lamina.utils.image_dataset_from_directory


# -- bad input --------------------------------------------------------------------------------------------


def test_load_img_errors_name_the_argument(images, tmp_path):
    with pytest.raises(ValueError, match=r"color_mode must be one of \('grayscale', 'rgb', 'rgba'\); received color_mode='cmyk'"):
        image_utils.load_img(images["rgb_png"], color_mode="cmyk")
    with pytest.raises(ValueError, match=r"interpolation must be one of .*'lanczos'.*received interpolation='cubic'"):
        image_utils.load_img(images["rgb_png"], target_size=(4, 4), interpolation="cubic")
    with pytest.raises(ValueError, match=r"target_size must be \(height, width\)"):
        image_utils.load_img(images["rgb_png"], target_size=(4, 0))
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("hello")
    with pytest.raises(ValueError, match="notes.png' is not an image file"):
        image_utils.load_img(str(not_an_image))
    with pytest.raises(FileNotFoundError):
        image_utils.load_img(str(tmp_path / "missing.png"))
    with pytest.raises(TypeError, match="path must be a path"):
        image_utils.load_img(3)


def test_array_to_img_errors():
    with pytest.raises(ValueError, match=r"rank 3; received an array of shape \(2, 4, 4, 3\)"):
        image_utils.array_to_img(np.zeros((2, 4, 4, 3)))
    with pytest.raises(ValueError, match=r"1, 3 or 4 channels .*received shape \(4, 4, 2\) \(2 channels\)"):
        image_utils.array_to_img(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match=r"scale=False the values must lie in \[0, 255\]"):
        image_utils.array_to_img(np.full((4, 4, 3), 300.0), scale=False)
    with pytest.raises(ValueError, match="NaN"):
        image_utils.array_to_img(np.full((4, 4, 3), np.nan))
    with pytest.raises(ValueError, match="data_format"):
        image_utils.array_to_img(np.zeros((4, 4, 3)), data_format="nhwc")


def test_save_img_format_errors(tmp_path):
    with pytest.raises(ValueError, match="cannot tell the image format"):
        image_utils.save_img(tmp_path / "noextension", np.zeros((3, 3, 3)))
    with pytest.raises(ValueError, match=r"unknown file_format 'xyz'; Pillow can write \[.*'png'"):
        image_utils.save_img(tmp_path / "x.xyz", np.zeros((3, 3, 3)))


def test_img_to_array_rejects_other_ranks():
    with pytest.raises(ValueError, match=r"rank 2 or 3; received an array of shape \(5,\)"):
        image_utils.img_to_array(np.zeros(5))
