"""ResNet50, ResNet101, ResNet152 (He et al., 2015): bottleneck residual blocks (version 1).

Each stage ``conv2`` ... ``conv5`` stacks bottleneck blocks (1x1, 3x3, 1x1 convolutions with
batch normalisation); the first block of a stage has a 1x1 projection shortcut (``_0_conv``),
the others add their input. Layer names are Keras's (``conv1_conv``, ``conv2_block1_1_conv``,
``conv5_block3_out``, ``avg_pool``, ``predictions``). Inputs: :func:`preprocess_input`
(``"caffe"`` mode).

Example:
    >>> model = ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> model.get_layer("conv5_block3_out").output.shape
    (None, 1, 1, 2048)
"""
from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._builder import ApplicationBuilder, WeightFiles

BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
HASHES = {  # md5 of (with classifier, without), as Keras checks them
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
}
WEIGHTS = {
    key: WeightFiles(BASE_URL, f"{key}_weights_tf_dim_ordering_tf_kernels.h5",
                     f"{key}_weights_tf_dim_ordering_tf_kernels_notop.h5", top_hash=top, no_top_hash=no_top)
    for key, (top, no_top) in HASHES.items()
}
BN_EPSILON = 1.001e-5


def _bn(x, axis, name):
    return layers.BatchNormalization(axis=axis, epsilon=BN_EPSILON, name=name)(x)


def bottleneck_block(x, filters, axis, stride=1, projection=True, name=None):
    """One residual block: 1x1 (``filters``), 3x3, 1x1 (``4 * filters``) convolutions plus the shortcut."""
    if projection:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(shortcut, axis, f"{name}_0_bn")
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_bn(x, axis, f"{name}_1_bn"))
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_bn(x, axis, f"{name}_2_bn"))
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, _bn(x, axis, f"{name}_3_bn")])
    return layers.Activation("relu", name=f"{name}_out")(x)


def build_resnet(fn_name, blocks_per_stage, weights_key, include_top, weights, input_tensor, input_shape, pooling,
                 classes, classifier_activation, name):
    """A ResNet (v1) with ``blocks_per_stage`` bottleneck blocks in stages conv2-conv5."""
    builder = ApplicationBuilder(fn_name, include_top, weights, input_tensor, input_shape, pooling, classes,
                                 classifier_activation, default_size=224, min_size=32)
    axis = builder.channel_axis
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(builder.inputs)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    x = layers.Activation("relu", name="conv1_relu")(_bn(x, axis, "conv1_bn"))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (filters, blocks) in enumerate(zip((64, 128, 256, 512), blocks_per_stage), start=2):
        for block in range(1, blocks + 1):
            stride = 2 if block == 1 and stage > 2 else 1
            x = bottleneck_block(x, filters, axis, stride=stride, projection=block == 1,
                                 name=f"conv{stage}_block{block}")
    x = builder.head(x, avg_name="avg_pool", max_name="max_pool")
    return builder.finish(x, name, WEIGHTS[weights_key])


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", name="resnet50"):
    """ResNet50 (``keras.applications.ResNet50``): 3, 4, 6, 3 blocks; arguments as :func:`VGG16`'s.

    Example:
        >>> ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="max").output_shape
        (None, 2048)
    """
    return build_resnet("ResNet50", (3, 4, 6, 3), "resnet50", include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name="resnet101"):
    """ResNet101 (``keras.applications.ResNet101``): 3, 4, 23, 3 blocks.

    Example:
        >>> len(ResNet101(weights=None, include_top=False, input_shape=(32, 32, 3)).layers)
        345
    """
    return build_resnet("ResNet101", (3, 4, 23, 3), "resnet101", include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name="resnet152"):
    """ResNet152 (``keras.applications.ResNet152``): 3, 8, 36, 3 blocks.

    Example:
        >>> len(ResNet152(weights=None, include_top=False, input_shape=(32, 32, 3)).layers)
        515
    """
    return build_resnet("ResNet152", (3, 8, 36, 3), "resnet152", include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """ResNet's preprocessing: ``imagenet_utils.preprocess_input(x, mode="caffe")``.

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.zeros((1, 1, 1, 3)))[0, 0, 0].tolist()
        [-103.939, -116.779, -123.68]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
