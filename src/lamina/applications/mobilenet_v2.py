"""MobileNetV2 (Sandler et al., 2018): inverted residual blocks with linear bottlenecks.

Each block expands its input with a 1x1 convolution (``block_N_expand``), filters it with a
3x3 depthwise convolution (``block_N_depthwise``) and projects it back with a linear 1x1
convolution (``block_N_project``); blocks that keep the shape add their input
(``block_N_add``). ``alpha`` scales the width. Layer names are Keras's; the model is named
``mobilenetv2_<alpha>_<rows>`` unless ``name`` says otherwise. Inputs:
:func:`preprocess_input` (``"tf"`` mode).

Example:
    >>> model = MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> model.name, model.get_layer("out_relu").output.shape
    ('mobilenetv2_1.00_32', (None, 1, 1, 1280))
"""
import warnings

from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._builder import ApplicationBuilder, WeightFiles, channel_axis

BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
IMAGENET_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
IMAGENET_ROWS = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of blocks 0-16
BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
          (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
          (320, 1, 6))


def weight_files(alpha, rows):
    """Keras's published MobileNetV2 weights for width ``alpha`` and ``rows`` x ``rows`` inputs (no hashes).

    Example:
        >>> weight_files(1.0, 224).select(False)[0]
        'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5'
    """
    stem = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
    return WeightFiles(BASE_URL, f"{stem}.h5", f"{stem}_no_top.h5")


def make_divisible(value, divisor=8):
    """``value`` rounded to a multiple of ``divisor``, never more than 10% below it.

    Example:
        >>> make_divisible(32 * 0.35), make_divisible(16 * 1.3)
        (16, 24)
    """
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def correct_pad(size, kernel_size):
    """Zero padding before a strided 'valid' convolution so it matches TensorFlow's 'same' padding.

    Example:
        >>> correct_pad((32, 32), 3), correct_pad((33, 33), 3), correct_pad((None, None), 3)
        (((0, 1), (0, 1)), ((1, 1), (1, 1)), ((0, 1), (0, 1)))
    """
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = kernel_size // 2
    return (half - adjust[0], half), (half - adjust[1], half)


def inverted_residual_block(x, filters, stride, expansion, alpha, block_id, axis):
    """Expand (1x1), depthwise 3x3, project (1x1, linear); add the input when the shape is kept."""
    in_channels = x.shape[axis]
    out_channels = make_divisible(int(filters * alpha))
    inputs = x
    prefix = f"block_{block_id}_" if block_id else "expanded_conv_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False, name=f"{prefix}expand")(x)
        x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    if stride == 2:
        spatial = x.shape[2:4] if axis == 1 else x.shape[1:3]
        x = layers.ZeroPadding2D(padding=correct_pad(spatial, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(3, strides=stride, use_bias=False, padding="same" if stride == 1 else "valid",
                               name=f"{prefix}depthwise")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(out_channels, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=f"{prefix}project_BN")(x)
    if in_channels == out_channels and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape, input_tensor, axis):
    shape = input_shape if input_shape is not None else (
        tuple(input_tensor.shape[1:]) if input_tensor is not None else None)
    if shape is None or len(shape) != 3:
        return 224
    rows, cols = (shape[1], shape[2]) if axis == 1 else (shape[0], shape[1])
    return rows if rows == cols and rows in IMAGENET_ROWS else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name=None):
    """MobileNetV2 (``keras.applications.MobileNetV2``); note ``input_shape`` comes first, as in Keras.

    Args:
        alpha: width multiplier (ImageNet weights exist for 0.35, 0.5, 0.75, 1.0, 1.3, 1.4).
        other arguments: as :func:`VGG16`'s; inputs of at least 32x32, 96-224 square for the
            ImageNet weights (other sizes load the 224 weights, with a warning).

    Example:
        >>> MobileNetV2((32, 32, 3), alpha=0.35, weights=None, classes=10).output_shape
        (None, 10)
    """
    axis = channel_axis()
    builder = ApplicationBuilder("MobileNetV2", include_top, weights, input_tensor, input_shape, pooling, classes,
                                 classifier_activation, default_size=_default_size(input_shape, input_tensor, axis),
                                 min_size=32)
    rows, cols = (builder.input_shape[1], builder.input_shape[2]) if axis == 1 else builder.input_shape[:2]
    if weights == "imagenet":
        if alpha not in IMAGENET_ALPHAS:
            raise ValueError(f"MobileNetV2: ImageNet weights exist for alpha in {IMAGENET_ALPHAS}; "
                             f"received alpha={alpha}")
        if rows != cols or rows not in IMAGENET_ROWS:
            warnings.warn(f"MobileNetV2: no ImageNet weights for {rows}x{cols} inputs (they exist for square "
                          f"{IMAGENET_ROWS}); loading the weights for 224x224.", stacklevel=2)
            rows = 224
    x = layers.Conv2D(make_divisible(32 * alpha), 3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(builder.inputs)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(BLOCKS):
        x = inverted_residual_block(x, filters, stride, expansion, alpha, block_id, axis)
    last_filters = make_divisible(1280 * alpha) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, 1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = builder.head(x, top_pool_name=None)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    return builder.finish(x, name, weight_files(alpha, rows))


def preprocess_input(x, data_format=None):
    """MobileNetV2's preprocessing: ``imagenet_utils.preprocess_input(x, mode="tf")`` (to [-1, 1]).

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.array([[[255.0, 0.0, 127.5]]])).tolist()
        [[[1.0, -1.0, 0.0]]]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
