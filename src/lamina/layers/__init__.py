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
from lamina.layers.augmentation.center_crop import CenterCrop
from lamina.layers.augmentation.random_brightness import RandomBrightness
from lamina.layers.augmentation.random_contrast import RandomContrast
from lamina.layers.augmentation.random_crop import RandomCrop
from lamina.layers.augmentation.random_flip import RandomFlip
from lamina.layers.augmentation.random_rotation import RandomRotation
from lamina.layers.augmentation.random_translation import RandomTranslation
from lamina.layers.augmentation.random_zoom import RandomZoom
from lamina.layers.augmentation.rescaling import Rescaling
from lamina.layers.augmentation.resizing import Resizing
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
from lamina.layers.attention import AdditiveAttention, Attention, MultiHeadAttention
from lamina.layers.core.embedding import Embedding
from lamina.layers.core.masking import Masking
from lamina.layers.preprocessing import (CategoryEncoding, Discretization, Hashing, IntegerLookup, Normalization,
                                         StringLookup, TextVectorization)
from lamina.layers.rnn import (GRU, LSTM, RNN, Bidirectional, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, ConvLSTMCell,
                               GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell, StackedRNNCells, TimeDistributed)


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
