"""Resizing images with torch's interpolation, as Keras's torch backend does (used by Resizing, CenterCrop, RandomCrop).

Example:
    >>> resize_images(torch.ones(1, 4, 6, 3), (2, 3)).shape
    torch.Size([1, 2, 3, 3])
"""
import torch.nn.functional as F

INTERPOLATIONS = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}


def aspect_crop_box(height, width, target_height, target_width):
    """``(top, left, crop_height, crop_width)``: the largest centred window with the target's aspect ratio.

    Example:
        >>> aspect_crop_box(100, 200, 10, 10)
        (0, 50, 100, 100)
    """
    crop_height = max(min(height, int(width * target_height / target_width)), 1)
    crop_width = max(min(width, int(height * target_width / target_height)), 1)
    return (height - crop_height) // 2, (width - crop_width) // 2, crop_height, crop_width


def resize_images(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
                  pad_to_aspect_ratio=False, fill_value=0.0, data_format="channels_last"):
    """Resize a batch of images ``(batch, height, width, channels)`` (or channels first) to ``size = (h, w)``.

    ``crop_to_aspect_ratio`` first crops the largest centred window with the target's aspect
    ratio; ``pad_to_aspect_ratio`` instead pads evenly with ``fill_value``.

    Example:
        >>> resize_images(torch.ones(1, 4, 8, 1), (4, 4), crop_to_aspect_ratio=True).shape
        torch.Size([1, 4, 4, 1])
    """
    x = images.permute(0, 3, 1, 2) if data_format == "channels_last" else images
    height, width = x.shape[2], x.shape[3]
    target_height, target_width = size
    if crop_to_aspect_ratio:
        top, left, crop_height, crop_width = aspect_crop_box(height, width, target_height, target_width)
        x = x[:, :, top:top + crop_height, left:left + crop_width]
    elif pad_to_aspect_ratio:
        padded_height = max(height, int(width * target_height / target_width))
        padded_width = max(width, int(height * target_width / target_height))
        top, left = (padded_height - height) // 2, (padded_width - width) // 2
        x = F.pad(x, [left, left, top, top], value=fill_value)
    if (x.shape[2], x.shape[3]) != (target_height, target_width):
        mode = INTERPOLATIONS[interpolation]
        smooth = mode in ("bilinear", "bicubic")
        x = F.interpolate(x, size=(target_height, target_width), mode=mode, align_corners=False if smooth else None,
                          antialias=antialias and smooth)
    return x.permute(0, 2, 3, 1) if data_format == "channels_last" else x


def smart_resize(images, size, data_format="channels_last", interpolation="bilinear"):
    """Crop the largest centred window with the target's aspect ratio, then resize it to ``size``.

    Example:
        >>> smart_resize(torch.ones(2, 10, 20, 3), (5, 5)).shape
        torch.Size([2, 5, 5, 3])
    """
    return resize_images(images, size, interpolation, crop_to_aspect_ratio=True, data_format=data_format)


def batched(fn, images, *args, **kwargs):
    """Apply the batch function ``fn`` to a single image (rank 3) or a batch (rank 4).

    Example:
        >>> batched(smart_resize, torch.ones(10, 20, 3), (5, 5)).shape
        torch.Size([5, 5, 3])
    """
    if images.dim() == 3:
        return fn(images.unsqueeze(0), *args, **kwargs)[0]
    return fn(images, *args, **kwargs)
