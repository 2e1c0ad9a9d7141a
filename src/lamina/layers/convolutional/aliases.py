"""Keras 2 (and Keras 3) alternative names of the convolution and pooling layers.

Example:
    >>> Convolution2D is Conv2D, MaxPool2D is MaxPooling2D
    (True, True)
"""
from lamina.layers.convolutional.conv import Conv1D, Conv2D, Conv3D
from lamina.layers.convolutional.conv_transpose import Conv2DTranspose, Conv3DTranspose
from lamina.layers.convolutional.separable_conv import SeparableConv1D, SeparableConv2D
from lamina.layers.pooling.global_pooling import (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                  GlobalAveragePooling3D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                                                  GlobalMaxPooling3D)
from lamina.layers.pooling.pooling import (AveragePooling1D, AveragePooling2D, AveragePooling3D, MaxPooling1D,
                                           MaxPooling2D, MaxPooling3D)

Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
Convolution2DTranspose = Deconvolution2D = Conv2DTranspose
Convolution3DTranspose = Deconvolution3D = Conv3DTranspose
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)

__all__ = [
    "Convolution1D", "Convolution2D", "Convolution3D", "Convolution2DTranspose", "Convolution3DTranspose",
    "Deconvolution2D", "Deconvolution3D", "SeparableConvolution1D", "SeparableConvolution2D",
    "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
    "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D",
]
