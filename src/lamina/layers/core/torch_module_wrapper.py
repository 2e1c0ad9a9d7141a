"""``TorchModuleWrapper``: use any ``torch.nn.Module`` as a lamina layer.

Example:
    >>> layer = TorchModuleWrapper(torch.nn.Linear(4, 2))
    >>> layer(torch.ones(3, 4)).shape, len(layer.trainable_weights)
    (torch.Size([3, 2]), 2)
"""
import torch

from lamina.core import registry
from lamina.layers.layer import Layer


@registry.register()
class TorchModuleWrapper(Layer):
    """Wrap ``module`` so it has a name, Keras weights and can sit in Sequential/functional models.

    The module receives tensors exactly as lamina passes them (channels-last images,
    ``(batch, time, features)`` sequences). Its parameters train with the model.

    Example:
        >>> from lamina import Sequential
        >>> model = Sequential([TorchModuleWrapper(torch.nn.Linear(3, 1))])
        >>> model(torch.ones(2, 3)).shape
        torch.Size([2, 1])
    """

    def __init__(self, module, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"TorchModuleWrapper expects a torch.nn.Module; received {type(module).__name__}")
        self.module = module
        self.built = True

    def call(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def get_config(self):
        config = super().get_config()
        config["module"] = type(self.module).__name__
        return config
