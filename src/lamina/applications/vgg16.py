"""VGG16 (Simonyan & Zisserman, 2014): five blocks of 3x3 convolutions and max-pooling.

Layer names are Keras's (``block1_conv1`` ... ``block5_pool``, ``fc1``, ``fc2``,
``predictions``), so Keras's weight files load and ``get_layer("block5_conv3")`` works as
in the book. Inputs: :func:`preprocess_input` (``"caffe"`` mode: BGR, mean pixel removed).

Example:
    >>> base = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> base.get_layer("block5_conv3").output.shape, base.count_params()
    ((None, 2, 2, 512), 14714688)
"""
from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._builder import ApplicationBuilder, WeightFiles

WEIGHTS = WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/",
    "vgg16_weights_tf_dim_ordering_tf_kernels.h5", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    top_hash="64373286793e3c8b2b4e3219cbf3544b", no_top_hash="6d6bbae143d832006294945121d1f1fc")


def build_vgg(fn_name, convs_per_block, weight_files, include_top, weights, input_tensor, input_shape, pooling,
              classes, classifier_activation, name):
    """A VGG network with ``convs_per_block[i]`` 3x3 convolutions in block ``i + 1`` (64-512 filters)."""
    builder = ApplicationBuilder(fn_name, include_top, weights, input_tensor, input_shape, pooling, classes,
                                 classifier_activation, default_size=224, min_size=32)
    x = builder.inputs
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), start=1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    x = builder.head(x, flatten_dense=[(4096, "fc1"), (4096, "fc2")])
    return builder.finish(x, name, weight_files)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg16"):
    """The VGG16 network (``keras.applications.VGG16``).

    Args:
        include_top: include the classifier (Flatten, ``fc1``, ``fc2``, ``predictions``).
        weights: ``None`` (random), ``"imagenet"`` (Keras's published weights, downloaded once
            into ``$LAMINA_HOME/models``) or the path of a weights file.
        input_tensor: a symbolic tensor to use as the image input.
        input_shape: ``(h, w, 3)``, at least 32x32; must be ``(224, 224, 3)`` with the ImageNet
            classifier.
        pooling: with ``include_top=False``: ``None`` (4-D features), ``"avg"`` or ``"max"``.
        classes: number of classes of the classifier (1000 with ImageNet weights).
        classifier_activation: activation of ``predictions`` (``None`` gives logits).
        name: the model's name.

    Example:
        >>> model = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg")
        >>> model.output_shape
        (None, 512)
    """
    return build_vgg("VGG16", (2, 2, 3, 3, 3), WEIGHTS, include_top, weights, input_tensor, input_shape, pooling,
                     classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """VGG16's preprocessing: ``imagenet_utils.preprocess_input(x, mode="caffe")``.

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.zeros((1, 1, 1, 3)))[0, 0, 0].tolist()
        [-103.939, -116.779, -123.68]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
