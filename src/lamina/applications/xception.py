"""Xception (Chollet, 2017): depthwise separable convolutions with residual connections.

An entry flow (``block1``-``block4``, each halving the resolution with a strided 1x1
projection shortcut), a middle flow of eight identical residual blocks (``block5``-
``block12``) and an exit flow (``block13``, ``block14``). Named layers are Keras's
(``block14_sepconv2_act`` is the last feature map); the shortcut convolutions, their batch
norms and the ``add`` layers keep Keras's automatic names. Default input 299x299, at least
71x71. Inputs: :func:`preprocess_input` (``"tf"`` mode).

Example:
    >>> model = Xception(weights=None, include_top=False, input_shape=(71, 71, 3))
    >>> model.get_layer("block14_sepconv2_act").output.shape
    (None, 3, 3, 2048)
"""
from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._builder import ApplicationBuilder, WeightFiles

WEIGHTS = WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/xception/",
    "xception_weights_tf_dim_ordering_tf_kernels.h5", "xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
    top_hash="0a58e3b7378bc2990ea3b43d5981f1f6", no_top_hash="b0042744bf5b25fce3cb969f33bebb97")


def _sepconv_bn(x, filters, axis, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=axis, name=f"{name}_bn")(x)


def _down_block(x, filters, axis, block, first_relu=True):
    """Two separable convolutions, max-pooling by 2, plus a strided 1x1 projection of the input."""
    residual = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=axis)(residual)
    if first_relu:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sepconv_bn(x, filters[0], axis, f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sepconv_bn(x, filters[1], axis, f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="xception"):
    """Xception (``keras.applications.Xception``); arguments as :func:`VGG16`'s (299x299 default).

    Example:
        >>> Xception(weights=None, include_top=False, input_shape=(71, 71, 3), pooling="avg").output_shape
        (None, 2048)
    """
    builder = ApplicationBuilder("Xception", include_top, weights, input_tensor, input_shape, pooling, classes,
                                 classifier_activation, default_size=299, min_size=71)
    axis = builder.channel_axis
    x = builder.inputs
    for index, (filters, strides) in enumerate(((32, (2, 2)), (64, (1, 1))), start=1):
        x = layers.Conv2D(filters, (3, 3), strides=strides, use_bias=False, name=f"block1_conv{index}")(x)
        x = layers.BatchNormalization(axis=axis, name=f"block1_conv{index}_bn")(x)
        x = layers.Activation("relu", name=f"block1_conv{index}_act")(x)
    x = _down_block(x, (128, 128), axis, block=2, first_relu=False)
    x = _down_block(x, (256, 256), axis, block=3)
    x = _down_block(x, (728, 728), axis, block=4)
    for block in range(5, 13):
        residual = x
        for conv in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{conv}_act")(x)
            x = _sepconv_bn(x, 728, axis, f"block{block}_sepconv{conv}")
        x = layers.add([x, residual])
    x = _down_block(x, (728, 1024), axis, block=13)
    for conv, filters in ((1, 1536), (2, 2048)):
        x = _sepconv_bn(x, filters, axis, f"block14_sepconv{conv}")
        x = layers.Activation("relu", name=f"block14_sepconv{conv}_act")(x)
    x = builder.head(x)
    return builder.finish(x, name, WEIGHTS)


def preprocess_input(x, data_format=None):
    """Xception's preprocessing: ``imagenet_utils.preprocess_input(x, mode="tf")`` (to [-1, 1]).

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.array([[[255.0, 0.0, 127.5]]])).tolist()
        [[[1.0, -1.0, 0.0]]]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
