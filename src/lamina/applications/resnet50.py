"""``keras.applications.resnet50``: ResNet50 and its preprocessing (the same as :mod:`.resnet`).

Example:
    >>> from lamina.applications import resnet50
    >>> resnet50.ResNet50 is resnet50.resnet.ResNet50
    True
"""
from lamina.applications import resnet
from lamina.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input", "resnet"]
