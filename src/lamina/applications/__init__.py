"""Reference architectures (``keras.applications``) and a U-Net builder.

Each architecture takes Keras's arguments (``include_top``, ``weights=None|"imagenet"|path``,
``input_tensor``, ``input_shape``, ``pooling``, ``classes``, ``classifier_activation``) and
uses Keras's layer names, so Keras's weight files load into it. Each family's module has its
``preprocess_input`` and ``decode_predictions`` (``lamina.applications.vgg16.preprocess_input``).
See ``docs/applications.md``.

Example:
    >>> from lamina import applications
    >>> base = applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> base.trainable = False   # a frozen convolutional base, as in the book
    >>> len(base.trainable_weights)
    0
"""
from lamina.applications.unet import unet  # eager: a small module whose name is also the function's
from lamina.core.lazy import lazy_exports as _lazy_exports

# Each family's module is imported on first use (`applications.VGG16`, `applications.resnet`).
_ATTRIBUTES = {
    "DenseNet121": ".densenet", "DenseNet169": ".densenet", "DenseNet201": ".densenet",
    "InceptionV3": ".inception_v3", "MobileNetV2": ".mobilenet_v2",
    "ResNet50": ".resnet", "ResNet101": ".resnet", "ResNet152": ".resnet",
    "VGG16": ".vgg16", "VGG19": ".vgg19", "Xception": ".xception",
}
_SUBMODULES = ("densenet", "imagenet_utils", "inception_v3", "mobilenet_v2", "resnet", "resnet50", "vgg16", "vgg19",
               "xception")
__all__ = [*_ATTRIBUTES, "unet", *_SUBMODULES]
__getattr__, __dir__ = _lazy_exports(__name__, submodules=_SUBMODULES, attributes=_ATTRIBUTES)
