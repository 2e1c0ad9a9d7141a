"""U-Net (Ronneberger et al., 2015): a convolutional encoder-decoder for per-pixel classification.

The encoder repeats two 3x3 convolutions and a 2x2 max-pooling; the decoder up-samples,
concatenates the encoder's feature map of the same resolution (the skip connection) and
applies two more convolutions; a 1x1 convolution gives each pixel a sigmoid (one class:
foreground probability) or a softmax over ``num_classes`` classes.

Example:
    >>> model = unet((32, 32, 1), num_classes=3, filters=(8, 16, 32))
    >>> model.output_shape
    (None, 32, 32, 3)
"""
from lamina import layers
from lamina.applications._builder import channel_axis
from lamina.models import Model

UPSAMPLING = ("transpose", "upsample")


def _check(input_shape, num_classes, filters, upsampling, dropout):
    if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 3:
        raise ValueError(f"unet: input_shape must be (height, width, channels); received input_shape={input_shape!r}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"unet: num_classes must be a positive integer (1 for a sigmoid foreground mask); "
                         f"received num_classes={num_classes!r}")
    if not filters or not all(isinstance(f, int) and f > 0 for f in filters):
        raise ValueError(f"unet: filters must be a non-empty sequence of positive integers (one per level); "
                         f"received filters={filters!r}")
    if upsampling not in UPSAMPLING:
        raise ValueError(f"unet: upsampling must be one of {UPSAMPLING}; received upsampling={upsampling!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"unet: dropout must be in [0, 1); received dropout={dropout!r}")
    factor = 2 ** (len(filters) - 1)
    spatial = input_shape[1:] if channel_axis() == 1 else input_shape[:2]
    if any(d is not None and d % factor for d in spatial):
        raise ValueError(f"unet: with {len(filters)} levels the height and width must be multiples of {factor} "
                         f"(each level halves them); received input_shape={tuple(input_shape)}")


def unet(input_shape, num_classes, filters=(16, 32, 64, 128), kernel_size=3, batch_norm=False, dropout=0.0,
         upsampling="transpose", name="unet"):
    """Build a U-Net segmentation model.

    Args:
        input_shape: ``(height, width, channels)``; height and width multiples of
            ``2 ** (len(filters) - 1)`` (``None`` for any size).
        num_classes: 1 for a binary mask (sigmoid output, train with ``binary_crossentropy``),
            else the number of classes (softmax output, ``sparse_categorical_crossentropy``).
        filters: filters per level, from the full resolution down to the bottleneck.
        kernel_size: size of the convolutions.
        batch_norm: add BatchNormalization after every convolution (before its ReLU).
        dropout: dropout rate in the bottleneck.
        upsampling: ``"transpose"`` (Conv2DTranspose 2x2, stride 2) or ``"upsample"``
            (UpSampling2D, then a 2x2 convolution).
        name: the model's name.

    Returns:
        A functional model from ``(batch, h, w, channels)`` images to ``(batch, h, w, num_classes)``
        per-pixel probabilities.

    Example:
        >>> model = unet((16, 16, 3), num_classes=1, filters=(4, 8))
        >>> [layer.name for layer in model.layers][-3:], model.output_shape
        (['dec1_conv1', 'dec1_conv2', 'segmentation'], (None, 16, 16, 1))
    """
    filters = tuple(filters)
    _check(input_shape, num_classes, filters, upsampling, dropout)
    axis = channel_axis()

    def conv_pair(x, width, prefix):
        for index in (1, 2):
            x = layers.Conv2D(width, kernel_size, padding="same", use_bias=not batch_norm,
                              activation=None if batch_norm else "relu", name=f"{prefix}_conv{index}")(x)
            if batch_norm:
                x = layers.BatchNormalization(axis=axis, name=f"{prefix}_bn{index}")(x)
                x = layers.Activation("relu", name=f"{prefix}_relu{index}")(x)
        return x

    inputs = layers.Input(shape=tuple(input_shape))
    x, skips = inputs, []
    for level, width in enumerate(filters[:-1], start=1):
        x = conv_pair(x, width, f"enc{level}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"enc{level}_pool")(x)
    x = conv_pair(x, filters[-1], "bottleneck")
    if dropout:
        x = layers.Dropout(dropout, name="bottleneck_dropout")(x)
    for level in range(len(filters) - 1, 0, -1):
        width = filters[level - 1]
        if upsampling == "transpose":
            x = layers.Conv2DTranspose(width, 2, strides=2, padding="same", name=f"dec{level}_up")(x)
        else:
            x = layers.UpSampling2D(2, name=f"dec{level}_up")(x)
            x = layers.Conv2D(width, 2, padding="same", activation="relu", name=f"dec{level}_upconv")(x)
        x = layers.Concatenate(axis=axis, name=f"dec{level}_concat")([skips[level - 1], x])
        x = conv_pair(x, width, f"dec{level}")
    activation = "sigmoid" if num_classes == 1 else "softmax"
    outputs = layers.Conv2D(num_classes, 1, activation=activation, name="segmentation")(x)
    return Model(inputs, outputs, name=name)
