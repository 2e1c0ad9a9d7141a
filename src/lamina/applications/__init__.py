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
from lamina.applications import (densenet, imagenet_utils, inception_v3, mobilenet_v2, resnet, resnet50, vgg16,
                                 vgg19, xception)
from lamina.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from lamina.applications.inception_v3 import InceptionV3
from lamina.applications.mobilenet_v2 import MobileNetV2
from lamina.applications.resnet import ResNet50, ResNet101, ResNet152
from lamina.applications.unet import unet
from lamina.applications.vgg16 import VGG16
from lamina.applications.vgg19 import VGG19
from lamina.applications.xception import Xception

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "InceptionV3", "MobileNetV2", "ResNet50", "ResNet101",
           "ResNet152", "VGG16", "VGG19", "Xception", "unet", "densenet", "imagenet_utils", "inception_v3",
           "mobilenet_v2", "resnet", "resnet50", "vgg16", "vgg19", "xception"]
