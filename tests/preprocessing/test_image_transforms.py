"""Affine, channel and brightness transforms: Keras's numbers on square images, documented geometry everywhere."""
import numpy as np
import pytest

from lamina.preprocessing import image_transforms as T

RNG = np.random.RandomState(3)
FILL_MODES = ["nearest", "constant", "reflect", "wrap"]


@pytest.fixture
def keras_legacy(keras):
    from keras.src.legacy.preprocessing import image

    return image


@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("order", [0, 1])
def test_affine_transform_matches_keras_on_square_images(keras_legacy, fill_mode, order):
    for _ in range(15):
        size = RNG.randint(3, 12)
        x = (RNG.rand(3, size, size) * 255).astype("float32")  # Keras's default layout: channels, rows, cols
        params = dict(theta=RNG.uniform(-180, 180), tx=RNG.uniform(-4, 4), ty=RNG.uniform(-4, 4),
                      shear=RNG.uniform(-30, 30), zx=RNG.uniform(0.6, 1.4), zy=RNG.uniform(0.6, 1.4))
        ours = T.apply_affine_transform(x, **params, fill_mode=fill_mode, cval=9.0, order=order)
        theirs = keras_legacy.apply_affine_transform(x, **params, fill_mode=fill_mode, cval=9.0, order=order)
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("k", [1, 3])
def test_horizontal_shift_moves_content_by_k_columns(k):
    x = RNG.rand(5, 8, 2)  # non-square, channels last
    out = T.apply_affine_transform(x, tx=k, row_axis=0, col_axis=1, channel_axis=2, fill_mode="constant", cval=-1)
    np.testing.assert_allclose(out[:, :-k], x[:, k:])
    assert (out[:, -k:] == -1).all()
    back = T.apply_affine_transform(x, tx=-k, row_axis=0, col_axis=1, channel_axis=2, fill_mode="constant", cval=-1)
    np.testing.assert_allclose(back[:, k:], x[:, :-k])


def test_vertical_shift_moves_content_by_k_rows():
    x = RNG.rand(2, 7, 4)  # channels first
    out = T.apply_affine_transform(x, ty=2, fill_mode="constant")
    np.testing.assert_allclose(out[:, :-2], x[:, 2:])
    assert (out[:, -2:] == 0).all()


@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_rotation_by_90_degrees_is_rot90(fill_mode):
    x = RNG.rand(6, 6, 3)
    for turns in (1, 2, 3):
        out = T.apply_affine_transform(x, theta=90 * turns, row_axis=0, col_axis=1, channel_axis=2, fill_mode=fill_mode)
        np.testing.assert_allclose(out, np.rot90(x, turns, axes=(0, 1)), atol=1e-9)


def test_half_turn_of_a_non_square_image_turns_around_its_centre():
    x = RNG.rand(4, 7, 1)
    out = T.apply_affine_transform(x, theta=180, row_axis=0, col_axis=1, channel_axis=2, fill_mode="constant", cval=-1)
    np.testing.assert_allclose(out, x[::-1, ::-1], atol=1e-9)


def test_zoom_keeps_the_centre_and_scales_around_it():
    x = np.zeros((1, 9, 9))
    x[0, 4, 4] = 1
    x[0, 4, 6] = 1
    out = T.apply_affine_transform(x, zx=0.5, zy=0.5, fill_mode="constant", order=0)
    assert out[0, 4, 4] == 1  # the centre stays
    assert out[0, 4, 8] == 1 and out[0, 4, 6] == 0  # 2 pixels right of centre moves to 4 pixels right


def test_fill_modes_on_a_shifted_ramp():
    x = np.arange(5.0)[None, None, :]  # one row 0..4, channels first
    shifted = {mode: T.apply_affine_transform(x, tx=-2, fill_mode=mode, cval=-1)[0, 0].tolist() for mode in FILL_MODES}
    assert shifted["constant"] == [-1, -1, 0, 1, 2]
    assert shifted["nearest"] == [0, 0, 0, 1, 2]
    assert shifted["reflect"] == [1, 0, 0, 1, 2]
    assert shifted["wrap"] == [2, 3, 0, 1, 2]  # scipy's 'wrap': period size - 1


def test_identity_returns_the_input_unchanged():
    x = RNG.rand(3, 4, 5)
    assert T.apply_affine_transform(x) is x


def test_channel_shift_and_brightness_match_keras(keras_legacy):
    x = (RNG.rand(6, 6, 3) * 200 + 20).astype("float32")
    np.testing.assert_allclose(T.apply_channel_shift(x, 30.0, 2), keras_legacy.apply_channel_shift(x, 30.0, 2))
    np.testing.assert_allclose(T.apply_channel_shift(x, -300.0, 2), np.full_like(x, x.min()))
    for scale in (True, False):
        for brightness in (0.3, 1.0, 1.7):
            np.testing.assert_allclose(
                T.apply_brightness_shift(x, brightness, scale), keras_legacy.apply_brightness_shift(x, brightness, scale)
            )
    wide = x * 3 - 100  # outside [0, 255]: stretched for Pillow, stretched back with scale=False
    np.testing.assert_allclose(T.apply_brightness_shift(wide, 1.2, False),
                               keras_legacy.apply_brightness_shift(wide, 1.2, False), rtol=1e-5, atol=1e-3)


def test_brightness_respects_channels_first():
    x = RNG.rand(6, 5, 3) * 255
    ours = T.apply_brightness_shift(x.transpose(2, 0, 1), 0.5, data_format="channels_first")
    np.testing.assert_allclose(ours, T.apply_brightness_shift(x, 0.5, data_format="channels_last").transpose(2, 0, 1))


def test_random_functions_draw_from_numpy_and_keep_shapes(keras_legacy):
    x = RNG.rand(3, 8, 8).astype("float32")
    for ours, theirs, args in [
        (T.random_rotation, keras_legacy.random_rotation, (30,)),
        (T.random_shear, keras_legacy.random_shear, (20,)),
        (T.random_zoom, keras_legacy.random_zoom, ((0.7, 1.3),)),
        (T.random_channel_shift, keras_legacy.random_channel_shift, (10.0,)),
    ]:
        np.random.seed(5)
        a = ours(x, *args)
        np.random.seed(5)
        np.testing.assert_allclose(a, theirs(x, *args), rtol=1e-5, atol=1e-4)


def test_random_shift_moves_width_horizontally_and_height_vertically():
    x = np.zeros((1, 10, 10))
    x[0, :, 5] = 1  # a vertical line: only a horizontal shift moves it
    np.random.seed(0)
    moved = T.random_shift(x, 0.3, 0.0, fill_mode="constant")
    assert not np.allclose(moved, x) and np.allclose(moved[0], moved[0, :1])  # still a vertical line, moved
    np.random.seed(0)
    assert np.allclose(T.random_shift(x, 0.0, 0.3, fill_mode="nearest"), x)  # a vertical shift leaves it alone


def test_flip_axis():
    x = np.arange(6).reshape(1, 2, 3)
    assert T.flip_axis(x, 2)[0].tolist() == [[2, 1, 0], [5, 4, 3]]
    assert T.flip_axis(x, 1)[0].tolist() == [[3, 4, 5], [0, 1, 2]]


def test_errors_name_the_argument():
    x = np.zeros((3, 4, 4))
    with pytest.raises(ValueError, match=r"fill_mode must be one of \('nearest', 'constant', 'reflect', 'wrap'\); received fill_mode='mirror'"):
        T.apply_affine_transform(x, theta=10, fill_mode="mirror")
    with pytest.raises(ValueError, match=r"order \(interpolation_order\) must be one of \(0, 1\).*received order=3"):
        T.apply_affine_transform(x, theta=10, order=3)
    with pytest.raises(ValueError, match=r"rank 3; received shape \(4, 4\)"):
        T.apply_affine_transform(np.zeros((4, 4)), theta=10)
    with pytest.raises(ValueError, match="must be 0, 1 and 2"):
        T.apply_affine_transform(x, theta=10, row_axis=1, col_axis=1)
    with pytest.raises(ValueError, match="channel axis must be first or last"):
        T.apply_affine_transform(x, theta=10, row_axis=0, col_axis=2, channel_axis=1)
    with pytest.raises(ValueError, match=r"zoom_range must be a tuple or list of two floats; received zoom_range=0.2"):
        T.random_zoom(x, 0.2)
    with pytest.raises(ValueError, match="brightness_range must be a tuple or list of two floats"):
        T.random_brightness(x, 1.5)
