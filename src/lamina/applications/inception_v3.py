"""InceptionV3 (Szegedy et al., 2015): a stem of convolutions, then eleven Inception modules.

The modules' outputs are named ``mixed0`` ... ``mixed10`` as in Keras (DeepDream in the book
maximises ``mixed2``-``mixed5``); the convolution/batch-norm/ReLU units inside them keep
Keras's automatic names (``conv2d_3``, ``batch_normalization_3``, ``activation_3``), which
match Keras's when both are built in a fresh session. Default input 299x299, at least
75x75. Inputs: :func:`preprocess_input` (``"tf"`` mode, values in [-1, 1]).

Example:
    >>> model = InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
    >>> model.get_layer("mixed10").output.shape
    (None, 1, 1, 2048)
"""
from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._builder import ApplicationBuilder, WeightFiles

WEIGHTS = WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/",
    "inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
    top_hash="9a0d58056eeedaa3f26cb7ebd46da564", no_top_hash="bcbd6486424b2319ff4ef7d526e38f63")


def conv_bn(x, filters, rows, cols, axis, padding="same", strides=(1, 1)):
    """Convolution without bias, batch normalisation without scale, ReLU: InceptionV3's unit."""
    x = layers.Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(axis=axis, scale=False)(x)
    return layers.Activation("relu")(x)


def _avg_pool_branch(x, filters, axis):
    return conv_bn(layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), filters, 1, 1, axis)


def _module_a(x, pool_filters, axis, name):
    """35x35 module: 1x1, 1x1-5x5, 1x1-3x3-3x3 and pooled 1x1 branches."""
    b1 = conv_bn(x, 64, 1, 1, axis)
    b5 = conv_bn(conv_bn(x, 48, 1, 1, axis), 64, 5, 5, axis)
    b3 = conv_bn(conv_bn(conv_bn(x, 64, 1, 1, axis), 96, 3, 3, axis), 96, 3, 3, axis)
    return layers.concatenate([b1, b5, b3, _avg_pool_branch(x, pool_filters, axis)], axis=axis, name=name)


def _module_c(x, width, axis, name):
    """17x17 module with factorised 7x7 convolutions (1x7 and 7x1) of ``width`` inner filters."""
    b1 = conv_bn(x, 192, 1, 1, axis)
    b7 = conv_bn(x, width, 1, 1, axis)
    b7 = conv_bn(conv_bn(b7, width, 1, 7, axis), 192, 7, 1, axis)
    d7 = conv_bn(x, width, 1, 1, axis)
    for filters, rows, cols in ((width, 7, 1), (width, 1, 7), (width, 7, 1), (192, 1, 7)):
        d7 = conv_bn(d7, filters, rows, cols, axis)
    return layers.concatenate([b1, b7, d7, _avg_pool_branch(x, 192, axis)], axis=axis, name=name)


def _module_e(x, index, axis):
    """8x8 module with expanded 1x3 / 3x1 filter banks (``mixed9``, ``mixed10``)."""
    b1 = conv_bn(x, 320, 1, 1, axis)
    b3 = conv_bn(x, 384, 1, 1, axis)
    b3 = layers.concatenate([conv_bn(b3, 384, 1, 3, axis), conv_bn(b3, 384, 3, 1, axis)], axis=axis,
                            name=f"mixed9_{index}")
    d3 = conv_bn(conv_bn(x, 448, 1, 1, axis), 384, 3, 3, axis)
    d3 = layers.concatenate([conv_bn(d3, 384, 1, 3, axis), conv_bn(d3, 384, 3, 1, axis)], axis=axis)
    return layers.concatenate([b1, b3, d3, _avg_pool_branch(x, 192, axis)], axis=axis, name=f"mixed{9 + index}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="inception_v3"):
    """InceptionV3 (``keras.applications.InceptionV3``); arguments as :func:`VGG16`'s (299x299 default).

    Example:
        >>> InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3), pooling="avg").output_shape
        (None, 2048)
    """
    builder = ApplicationBuilder("InceptionV3", include_top, weights, input_tensor, input_shape, pooling, classes,
                                 classifier_activation, default_size=299, min_size=75)
    axis = builder.channel_axis
    x = conv_bn(builder.inputs, 32, 3, 3, axis, strides=(2, 2), padding="valid")
    x = conv_bn(x, 32, 3, 3, axis, padding="valid")
    x = conv_bn(x, 64, 3, 3, axis)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv_bn(x, 80, 1, 1, axis, padding="valid")
    x = conv_bn(x, 192, 3, 3, axis, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for index, pool_filters in enumerate((32, 64, 64)):
        x = _module_a(x, pool_filters, axis, name=f"mixed{index}")
    # mixed3: grid reduction 35 -> 17
    b3 = conv_bn(x, 384, 3, 3, axis, strides=(2, 2), padding="valid")
    d3 = conv_bn(conv_bn(conv_bn(x, 64, 1, 1, axis), 96, 3, 3, axis), 96, 3, 3, axis, strides=(2, 2),
                 padding="valid")
    x = layers.concatenate([b3, d3, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=axis, name="mixed3")
    for index, width in enumerate((128, 160, 160, 192), start=4):
        x = _module_c(x, width, axis, name=f"mixed{index}")
    # mixed8: grid reduction 17 -> 8
    b3 = conv_bn(conv_bn(x, 192, 1, 1, axis), 320, 3, 3, axis, strides=(2, 2), padding="valid")
    b7 = conv_bn(conv_bn(conv_bn(x, 192, 1, 1, axis), 192, 1, 7, axis), 192, 7, 1, axis)
    b7 = conv_bn(b7, 192, 3, 3, axis, strides=(2, 2), padding="valid")
    x = layers.concatenate([b3, b7, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=axis, name="mixed8")
    for index in range(2):
        x = _module_e(x, index, axis)
    x = builder.head(x)
    return builder.finish(x, name, WEIGHTS)


def preprocess_input(x, data_format=None):
    """InceptionV3's preprocessing: ``imagenet_utils.preprocess_input(x, mode="tf")`` (to [-1, 1]).

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.array([[[0.0, 255.0, 127.5]]])).tolist()
        [[[-1.0, 1.0, 0.0]]]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
