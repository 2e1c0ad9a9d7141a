"""VGG19: VGG16 with a fourth convolution in blocks 3, 4 and 5 (``block5_conv4``, ...).

Example:
    >>> VGG19(weights=None, include_top=False, input_shape=(32, 32, 3)).get_layer("block5_conv4").name
    'block5_conv4'
"""
from lamina.applications import imagenet_utils
from lamina.applications._builder import WeightFiles
from lamina.applications.vgg16 import build_vgg, preprocess_input  # noqa: F401  (same "caffe" preprocessing)

WEIGHTS = WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/",
    "vgg19_weights_tf_dim_ordering_tf_kernels.h5", "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
    top_hash="cbe5617147190e668d6c5d5026f83318", no_top_hash="253f8cb515780f3b799900260a226db6")


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg19"):
    """The VGG19 network (``keras.applications.VGG19``); arguments as :func:`~lamina.applications.VGG16`.

    Example:
        >>> VGG19(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
        20024384
    """
    return build_vgg("VGG19", (2, 2, 4, 4, 4), WEIGHTS, include_top, weights, input_tensor, input_shape, pooling,
                     classes, classifier_activation, name)


decode_predictions = imagenet_utils.decode_predictions
