"""What every reference architecture shares: argument checks, the image input, the head, the weights.

Each application function (``VGG16``, ``ResNet50``, ...) makes an :class:`ApplicationBuilder`,
which validates the Keras arguments (``include_top``, ``weights``, ``input_tensor``,
``input_shape``, ``pooling``, ``classes``, ``classifier_activation``) with Keras's rules and
messages that name the function, builds the image input, adds the classifier or the
feature-extraction pooling on top of the convolutional base, makes the functional model and
loads its weights: Keras's published ImageNet files through :func:`lamina.utils.get_file`
(cached under ``$LAMINA_HOME/models``), or a local file.

Example:
    >>> from lamina import layers
    >>> builder = ApplicationBuilder("Tiny", include_top=False, weights=None, input_tensor=None,
    ...                              input_shape=(8, 8, 3), pooling="avg", classes=1000,
    ...                              classifier_activation="softmax", default_size=8, min_size=8)
    >>> x = layers.Conv2D(4, 3, name="conv")(builder.inputs)
    >>> model = builder.finish(builder.head(x), name="tiny")
    >>> model.output_shape
    (None, 4)
"""
import os
import warnings

from lamina import activations, layers
from lamina.core import config
from lamina.core.symbolic import KerasTensor
from lamina.models import Model
from lamina.utils.file_utils import DownloadError, get_file, lamina_home

WEIGHTS_OPTIONS = "None (random initialization), 'imagenet' (pre-training on ImageNet) or the path to a weights file"
POOLING_OPTIONS = (None, "avg", "max")


class WeightFiles:
    """Where Keras publishes one architecture's ImageNet weights: file names, URL folder, hashes.

    Example:
        >>> files = WeightFiles("https://example.org/w/", "net.h5", "net_notop.h5")
        >>> files.origin("net.h5")
        'https://example.org/w/net.h5'
    """

    def __init__(self, base_url, top, no_top, top_hash=None, no_top_hash=None):
        self.base_url = base_url
        self.top, self.no_top = top, no_top
        self.top_hash, self.no_top_hash = top_hash, no_top_hash

    def origin(self, file_name):
        return self.base_url + file_name

    def select(self, include_top):
        """``(file_name, origin, file_hash)`` of the file with or without the classifier."""
        name, digest = (self.top, self.top_hash) if include_top else (self.no_top, self.no_top_hash)
        return name, self.origin(name), digest


def channel_axis():
    """The channel axis of image tensors under the current ``image_data_format`` (-1 or 1).

    Example:
        >>> channel_axis()
        -1
    """
    return 1 if config.image_data_format() == "channels_first" else -1


def source_inputs(tensor):
    """The ``Input`` tensors that ``tensor`` was computed from, in first-seen order.

    Example:
        >>> from lamina.layers import Input, Dense
        >>> x = Input((3,))
        >>> source_inputs(Dense(2)(x))[0] is x
        True
    """
    found, seen, stack = [], set(), [tensor]
    while stack:
        current = stack.pop()
        history = current._keras_history
        if history is None:
            continue
        node = history.operation._inbound_nodes[history.node_index]
        if node.is_input:
            if id(current) not in seen:
                seen.add(id(current))
                found.append(current)
            continue
        stack.extend(reversed(node.input_tensors))
    return found


def resolve_input_shape(fn_name, input_shape, default_size, min_size, include_top, weights):
    """The image shape (without batch axis) a model is built for; Keras's rules, lamina's messages.

    Example:
        >>> resolve_input_shape("VGG16", None, 224, 32, include_top=False, weights=None)
        (None, None, 3)
        >>> resolve_input_shape("VGG16", (16, 16, 3), 224, 32, include_top=False, weights=None)
        Traceback (most recent call last):
        ...
        ValueError: VGG16: input images must be at least 32x32; received input_shape=(16, 16, 3)
    """
    first = config.image_data_format() == "channels_first"
    if input_shape is not None:
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 3:
            raise ValueError(f"{fn_name}: input_shape must be a tuple of three integers (height, width, channels)"
                             f"{' in channels_first order (channels, height, width)' if first else ''}; "
                             f"received input_shape={input_shape!r}")
        input_shape = tuple(None if d is None else int(d) for d in input_shape)
    channels = 3
    if input_shape is not None and weights != "imagenet":
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(f"{fn_name}: this model usually expects 1 or 3 input channels; input_shape={input_shape} "
                          f"has {channels}.", stacklevel=4)
    default = (channels, default_size, default_size) if first else (default_size, default_size, channels)
    if weights == "imagenet" and include_top:
        if input_shape is not None and input_shape != default:
            raise ValueError(f"{fn_name}: with include_top=True and weights='imagenet', input_shape must be "
                             f"{default}; received input_shape={input_shape}")
        return default
    if input_shape is None:
        shape = default if include_top else ((3, None, None) if first else (None, None, 3))
    else:
        spatial = input_shape[1:] if first else input_shape[:2]
        if weights == "imagenet" and (input_shape[0] if first else input_shape[-1]) != 3:
            raise ValueError(f"{fn_name}: ImageNet weights need 3 input channels; received input_shape={input_shape}")
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(f"{fn_name}: input images must be at least {min_size}x{min_size}; "
                             f"received input_shape={input_shape}")
        shape = input_shape
    if include_top and None in shape:
        raise ValueError(f"{fn_name}: with include_top=True the input shape must be fully known (the classifier "
                         f"needs it); received input_shape={shape}")
    return shape


class ApplicationBuilder:
    """Checks an application's arguments and builds its input, head and model (see the module docstring)."""

    def __init__(self, fn_name, include_top, weights, input_tensor, input_shape, pooling, classes,
                 classifier_activation, default_size, min_size):
        self.fn_name = fn_name
        if not (weights in ("imagenet", None) or (isinstance(weights, (str, os.PathLike))
                                                   and os.path.exists(weights))):
            raise ValueError(f"{fn_name}: weights must be {WEIGHTS_OPTIONS} that exists; received weights={weights!r}")
        if weights == "imagenet" and include_top and classes != 1000:
            raise ValueError(f"{fn_name}: with weights='imagenet' and include_top=True, classes must be 1000 (the "
                             f"ImageNet classes); received classes={classes}")
        if pooling not in POOLING_OPTIONS:
            raise ValueError(f"{fn_name}: pooling must be one of {POOLING_OPTIONS}; received pooling={pooling!r}")
        if include_top and weights is not None:
            activation = activations.get(classifier_activation)
            if activation not in (activations.get("softmax"), activations.get(None)):
                raise ValueError(f"{fn_name}: with pre-trained weights and include_top=True, classifier_activation "
                                 f"must be None or 'softmax'; received classifier_activation={classifier_activation!r}")
        if input_tensor is not None and not isinstance(input_tensor, KerasTensor):
            raise ValueError(f"{fn_name}: input_tensor must be a symbolic tensor (from lamina.Input or a layer "
                             f"call); received {type(input_tensor).__name__}")
        if input_tensor is not None and input_shape is None:
            input_shape = tuple(input_tensor.shape[1:])
        self.include_top, self.weights, self.pooling = include_top, weights, pooling
        self.classes, self.classifier_activation = classes, classifier_activation
        self.input_tensor = input_tensor
        self.input_shape = resolve_input_shape(fn_name, input_shape, default_size, min_size, include_top, weights)
        if input_tensor is None:
            self.inputs = layers.Input(shape=self.input_shape)
        else:
            self.inputs = input_tensor
        self.channel_axis = channel_axis()

    def head(self, x, flatten_dense=None, avg_name=None, max_name=None, top_pool_name="avg_pool"):
        """The classifier (``include_top``) or the optional global pooling of the features.

        ``flatten_dense`` (VGG's head) is a list of ``(units, name)`` for the Dense layers after a
        Flatten; otherwise the classifier is global average pooling (``top_pool_name``) and the
        ``predictions`` layer.
        """
        if self.include_top:
            if flatten_dense is not None:
                x = layers.Flatten(name="flatten")(x)
                for units, layer_name in flatten_dense:
                    x = layers.Dense(units, activation="relu", name=layer_name)(x)
            else:
                x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
            return layers.Dense(self.classes, activation=self.classifier_activation, name="predictions")(x)
        if self.pooling == "avg":
            return layers.GlobalAveragePooling2D(name=avg_name)(x)
        if self.pooling == "max":
            return layers.GlobalMaxPooling2D(name=max_name)(x)
        return x

    def finish(self, outputs, name, weight_files=None):
        """The functional model from the input(s) to ``outputs``, with its weights loaded."""
        inputs = self.inputs if self.input_tensor is None else source_inputs(self.input_tensor)
        if isinstance(inputs, list) and len(inputs) == 1:
            inputs = inputs[0]
        model = Model(inputs, outputs, name=name)
        if self.weights == "imagenet":
            model.load_weights(self.imagenet_file(weight_files))
        elif self.weights is not None:
            model.load_weights(os.fspath(self.weights))
        return model

    def imagenet_file(self, weight_files):
        """The local path of the ImageNet weights, downloaded into the cache on first use."""
        file_name, origin, file_hash = weight_files.select(self.include_top)
        try:
            return get_file(file_name, origin, cache_subdir="models", file_hash=file_hash)
        except DownloadError as error:
            raise DownloadError(f"{self.fn_name}(weights='imagenet'): {error}") from error


def cached_imagenet_file(weight_files, include_top):
    """The path of an already downloaded ImageNet weights file, or ``None`` (never downloads).

    Example:
        >>> cached_imagenet_file(WeightFiles("https://example.org/", "absent.h5", "absent_notop.h5"), True) is None
        True
    """
    file_name = weight_files.select(include_top)[0]
    path = os.path.join(lamina_home(), "models", file_name)
    return path if os.path.isfile(path) else None


def auto_weights(weights, weight_files, include_top, fn_name, log=print):
    """Resolve ``weights="auto"`` (used by the examples): ImageNet if already cached, else random weights.

    Any other value is returned unchanged. Random weights make the examples run, but their
    pictures only mean something with the ImageNet weights, so a note says where to put them.

    Example:
        >>> files = WeightFiles("https://example.org/", "absent.h5", "absent_notop.h5")
        >>> auto_weights("auto", files, False, "VGG16", log=lambda message: None) is None
        True
    """
    if weights != "auto":
        return weights
    if cached_imagenet_file(weight_files, include_top) is not None:
        return "imagenet"
    file_name, origin, _ = weight_files.select(include_top)
    log(f"note: {fn_name}'s ImageNet weights are not in the cache, so the network has random weights and the "
        f"result shows no real features. For real results download {origin} to "
        f"{os.path.join(lamina_home(), 'models', file_name)} (or run once with weights='imagenet' online).")
    return None
