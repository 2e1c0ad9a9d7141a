"""DenseNet121, DenseNet169, DenseNet201 (Huang et al., 2017): densely connected blocks.

Inside a dense block every unit (BN-ReLU-1x1 conv, BN-ReLU-3x3 conv, 32 new channels) is
concatenated to everything before it (``conv2_block1_concat``, ...); transition layers
(``pool2``-``pool4``) halve the channels and the resolution. Layer names are Keras's.
Channels-last only, as in Keras. Inputs: :func:`preprocess_input` (``"torch"`` mode).

Example:
    >>> model = DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> model.get_layer("relu").output.shape
    (None, 1, 1, 1024)
"""
from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._builder import ApplicationBuilder, WeightFiles
from lamina.core import config

BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
HASHES = {  # md5 of (with classifier, without), as Keras checks them
    "densenet121": ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    "densenet169": ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    "densenet201": ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
WEIGHTS = {
    key: WeightFiles(BASE_URL, f"{key}_weights_tf_dim_ordering_tf_kernels.h5",
                     f"{key}_weights_tf_dim_ordering_tf_kernels_notop.h5", top_hash=top, no_top_hash=no_top)
    for key, (top, no_top) in HASHES.items()
}
GROWTH_RATE = 32
BN_EPSILON = 1.001e-5


def _bn_relu(x, axis, name):
    x = layers.BatchNormalization(axis=axis, epsilon=BN_EPSILON, name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def conv_block(x, axis, name):
    """BN-ReLU-1x1 conv (128), BN-ReLU-3x3 conv (32), concatenated to the input."""
    y = layers.Conv2D(4 * GROWTH_RATE, 1, use_bias=False, name=f"{name}_1_conv")(_bn_relu(x, axis, f"{name}_0"))
    y = layers.Conv2D(GROWTH_RATE, 3, padding="same", use_bias=False,
                      name=f"{name}_2_conv")(_bn_relu(y, axis, f"{name}_1"))
    return layers.Concatenate(axis=axis, name=f"{name}_concat")([x, y])


def transition_block(x, axis, name, reduction=0.5):
    """BN-ReLU, 1x1 convolution to ``reduction`` times the channels, 2x2 average pooling."""
    x = _bn_relu(x, axis, name)
    x = layers.Conv2D(int(x.shape[axis] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def build_densenet(fn_name, blocks, weights_key, include_top, weights, input_tensor, input_shape, pooling, classes,
                   classifier_activation, name):
    """A DenseNet with ``blocks[i]`` units in dense block ``conv{i + 2}``."""
    if config.image_data_format() == "channels_first":
        raise ValueError(f"{fn_name}: DenseNet does not support the 'channels_first' image data format (as in "
                         "Keras); call lamina.config.set_image_data_format('channels_last')")
    builder = ApplicationBuilder(fn_name, include_top, weights, input_tensor, input_shape, pooling, classes,
                                 classifier_activation, default_size=224, min_size=32)
    axis = 3
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(builder.inputs)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn_relu(x, axis, "conv1")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, units in enumerate(blocks, start=2):
        for unit in range(1, units + 1):
            x = conv_block(x, axis, name=f"conv{stage}_block{unit}")
        if stage < 5:
            x = transition_block(x, axis, name=f"pool{stage}")
    x = layers.BatchNormalization(axis=axis, epsilon=BN_EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = builder.head(x, avg_name="avg_pool", max_name="max_pool")
    return builder.finish(x, name, WEIGHTS[weights_key])


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet121"):
    """DenseNet121 (``keras.applications.DenseNet121``): 6, 12, 24, 16 units; arguments as :func:`VGG16`'s.

    Example:
        >>> DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg").output_shape
        (None, 1024)
    """
    return build_densenet("DenseNet121", (6, 12, 24, 16), "densenet121", include_top, weights, input_tensor,
                          input_shape, pooling, classes, classifier_activation, name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet169"):
    """DenseNet169 (``keras.applications.DenseNet169``): 6, 12, 32, 32 units.

    Example:
        >>> DenseNet169(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg").output_shape
        (None, 1664)
    """
    return build_densenet("DenseNet169", (6, 12, 32, 32), "densenet169", include_top, weights, input_tensor,
                          input_shape, pooling, classes, classifier_activation, name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet201"):
    """DenseNet201 (``keras.applications.DenseNet201``): 6, 12, 48, 32 units.

    Example:
        >>> DenseNet201(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg").output_shape
        (None, 1920)
    """
    return build_densenet("DenseNet201", (6, 12, 48, 32), "densenet201", include_top, weights, input_tensor,
                          input_shape, pooling, classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """DenseNet's preprocessing: ``imagenet_utils.preprocess_input(x, mode="torch")``.

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.full((1, 1, 3), 255.0)).round(4).tolist()
        [[[2.2489, 2.4286, 2.64]]]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


decode_predictions = imagenet_utils.decode_predictions
