"""Layers (``keras.layers``): every layer is a ``torch.nn.Module``.

Example:
    >>> from lamina import layers
    >>> layers.Dense(3)(torch.ones(1, 2)).shape
    torch.Size([1, 3])
"""
import torch  # noqa: F401  (used by the examples)

from lamina.layers.activations.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from lamina.layers.core.activation import Activation
from lamina.layers.core.dense import Dense
from lamina.layers.core.identity import Identity
from lamina.layers.core.input_layer import Input, InputLayer
from lamina.layers.core.lambda_layer import Lambda
from lamina.layers.core.torch_module_wrapper import TorchModuleWrapper
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.merging.concatenate import Concatenate, concatenate
from lamina.layers.merging.dot import Dot, dot
from lamina.layers.merging.merge import (Add, Average, Maximum, Minimum, Multiply, Subtract, add, average, maximum,
                                         minimum, multiply, subtract)
from lamina.layers.regularization.activity_regularization import ActivityRegularization
from lamina.layers.regularization.dropout import Dropout
from lamina.layers.reshaping.flatten import Flatten
from lamina.layers.reshaping.permute import Permute
from lamina.layers.reshaping.repeat_vector import RepeatVector
from lamina.layers.reshaping.reshape import Reshape

# -- layer families added by other modules: one import line each, below ------------------
from lamina.layers.convolutional.conv import Conv1D, Conv2D, Conv3D
from lamina.layers.convolutional.conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose
from lamina.layers.convolutional.depthwise_conv import DepthwiseConv1D, DepthwiseConv2D
from lamina.layers.convolutional.separable_conv import SeparableConv1D, SeparableConv2D
from lamina.layers.convolutional.aliases import *  # noqa: F401,F403  (Keras 2 names: Convolution2D, MaxPool2D, ...)
from lamina.layers.normalization.batch_normalization import BatchNormalization
from lamina.layers.normalization.group_normalization import GroupNormalization
from lamina.layers.normalization.layer_normalization import LayerNormalization
from lamina.layers.normalization.unit_normalization import UnitNormalization
from lamina.layers.pooling.global_pooling import (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                  GlobalAveragePooling3D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                                                  GlobalMaxPooling3D)
from lamina.layers.pooling.pooling import (AveragePooling1D, AveragePooling2D, AveragePooling3D, MaxPooling1D,
                                           MaxPooling2D, MaxPooling3D)
from lamina.layers.regularization.alpha_dropout import AlphaDropout
from lamina.layers.regularization.gaussian_dropout import GaussianDropout
from lamina.layers.regularization.gaussian_noise import GaussianNoise
from lamina.layers.regularization.spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from lamina.layers.reshaping.cropping import Cropping1D, Cropping2D, Cropping3D
from lamina.layers.reshaping.up_sampling import UpSampling1D, UpSampling2D, UpSampling3D
from lamina.layers.reshaping.zero_padding import ZeroPadding1D, ZeroPadding2D, ZeroPadding3D
from lamina.layers.core.embedding import Embedding
from lamina.layers.core.masking import Masking

from lamina.core import registry as _registry
from lamina.core.lazy import lazy_exports as _lazy_exports

# -- families imported on first use (`layers.LSTM`, or loading a file that names one) -------
# See docs/dev.md, "Import time". Every class such a module registers is listed here, so the
# registry can import it on demand (tests/test_import_time.py checks the list is complete).
_LAZY_FAMILIES = {
    "augmentation.center_crop": ["CenterCrop"],
    "augmentation.random_brightness": ["RandomBrightness"],
    "augmentation.random_contrast": ["RandomContrast"],
    "augmentation.random_crop": ["RandomCrop"],
    "augmentation.random_flip": ["RandomFlip"],
    "augmentation.random_rotation": ["RandomRotation"],
    "augmentation.random_translation": ["RandomTranslation"],
    "augmentation.random_zoom": ["RandomZoom"],
    "augmentation.rescaling": ["Rescaling"],
    "augmentation.resizing": ["Resizing"],
    "attention.additive_attention": ["AdditiveAttention"],
    "attention.attention": ["Attention"],
    "attention.multi_head_attention": ["MultiHeadAttention"],
    "preprocessing.category_encoding": ["CategoryEncoding"],
    "preprocessing.discretization": ["Discretization"],
    "preprocessing.hashing": ["Hashing"],
    "preprocessing.index_lookup": ["IndexLookup"],
    "preprocessing.integer_lookup": ["IntegerLookup"],
    "preprocessing.normalization": ["Normalization"],
    "preprocessing.string_lookup": ["StringLookup"],
    "preprocessing.text_vectorization": ["TextVectorization"],
    "rnn.bidirectional": ["Bidirectional"],
    "rnn.conv_lstm": ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "ConvLSTMCell"],
    "rnn.gru": ["GRU", "GRUCell"],
    "rnn.lstm": ["LSTM", "LSTMCell"],
    "rnn.rnn": ["RNN"],
    "rnn.simple_rnn": ["SimpleRNN", "SimpleRNNCell"],
    "rnn.stacked_rnn_cells": ["StackedRNNCells"],
    "rnn.time_distributed": ["TimeDistributed"],
}
_NOT_EXPORTED = {"IndexLookup"}  # registered (loadable) but not a public layers name, as in Keras
for _module, _names in _LAZY_FAMILIES.items():
    _registry.register_lazy(f"{__name__}.{_module}", _names)
_LAZY_ATTRIBUTES = {name: f".{module}" for module, names in _LAZY_FAMILIES.items() for name in names
                    if name not in _NOT_EXPORTED}
__getattr__, __dir__ = _lazy_exports(__name__, submodules=["attention", "augmentation", "preprocessing", "rnn"],
                                     attributes=_LAZY_ATTRIBUTES)
del _module, _names


def serialize(layer):
    """``{'class_name', 'config'}`` for a layer (functions of ``Lambda`` layers included).

    Example:
        >>> serialize(Dense(2, name="d"))["class_name"]
        'Dense'
    """
    from lamina.saving.serialization import serialize_layer

    return serialize_layer(layer)


def deserialize(config, custom_objects=None):
    """Build a layer from :func:`serialize`'s output; only registered (or custom) classes are allowed.

    Example:
        >>> deserialize({"class_name": "Dense", "config": {"units": 2}}).units
        2
    """
    from lamina.saving.serialization import deserialize_layer

    return deserialize_layer(config, custom_objects)


# `from lamina.layers import *` exports every layer, the lazy ones included (imported then).
__all__ = sorted({name for name, value in globals().items()
                  if not name.startswith("_") and not isinstance(value, type(_registry))} | set(_LAZY_ATTRIBUTES))
