"""Image ops (``keras.ops.image``): resize.

Images are ``(height, width, channels)`` or ``(batch, height, width, channels)``
(``channels_last``, the default) or the channels-first equivalents.

Example:
    >>> resize(torch.ones(2, 4, 4, 3), (8, 6)).shape
    torch.Size([2, 8, 6, 3])
"""
import torch
import torch.nn.functional as F

from lamina.core import config
from lamina.ops.dispatch import check_choice, op, to_tensor

__all__ = ["resize"]

_MODES = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic", "area": "area"}


def _crop_or_pad_to_ratio(images, size, crop, fill_value):
    """Centre-crop (or pad with ``fill_value``) NCHW ``images`` to the aspect ratio of ``size``."""
    height, width = images.shape[-2:]
    target_h, target_w = size
    want_h = int(width * target_h / target_w)
    want_w = int(height * target_w / target_h)
    if crop:
        new_h, new_w = max(min(height, want_h), 1), max(min(width, want_w), 1)
        top, left = (height - new_h) // 2, (width - new_w) // 2
        return images[:, :, top:top + new_h, left:left + new_w]
    new_h, new_w = max(height, want_h), max(width, want_w)
    top, left = (new_h - height) // 2, (new_w - width) // 2
    if top == 0 and left == 0:
        return images
    return F.pad(images, (left, left, top, top), value=fill_value)


@op
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resize images to ``size = (height, width)`` (half-pixel centres, as TensorFlow and JAX).

    Args:
        interpolation: ``'bilinear'``, ``'nearest'``, ``'bicubic'`` or ``'area'``.
        antialias: low-pass filter when downsampling (bilinear/bicubic).
        crop_to_aspect_ratio / pad_to_aspect_ratio: first centre-crop (or pad with
            ``fill_value``) to the target aspect ratio, so nothing is distorted.

    Integer images are resized in float32 and rounded back.

    Example:
        >>> resize(torch.arange(4.0).reshape(2, 2, 1), (4, 4))[..., 0].shape
        torch.Size([4, 4])
    """
    mode = _MODES[check_choice(interpolation, tuple(_MODES), "interpolation", "image.resize")]
    check_choice(fill_mode, ("constant",), "fill_mode", "image.resize")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("image.resize: use crop_to_aspect_ratio or pad_to_aspect_ratio, not both")
    if len(size) != 2:
        raise ValueError(f"image.resize: size must be (height, width); received size={size!r}")
    images = to_tensor(images)
    if images.dim() not in (3, 4):
        raise ValueError(
            f"image.resize: images must have rank 3 (one image) or 4 (a batch); received shape {tuple(images.shape)}"
        )
    single = images.dim() == 3
    x = images.unsqueeze(0) if single else images
    if config.standardize_data_format(data_format) == "channels_last":
        x = x.permute(0, 3, 1, 2)
    dtype = x.dtype
    if dtype not in (torch.float32, torch.float64):
        x = x.float()
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        x = _crop_or_pad_to_ratio(x, size, crop_to_aspect_ratio, fill_value)
    smooth = mode in ("bilinear", "bicubic")
    out = F.interpolate(x, size=tuple(size), mode=mode, align_corners=False if smooth else None,
                        antialias=bool(antialias) and smooth)
    if config.standardize_data_format(data_format) == "channels_last":
        out = out.permute(0, 2, 3, 1)
    if single:
        out = out.squeeze(0)
    if out.dtype is not dtype:
        if not dtype.is_floating_point:
            out = torch.round(out)
            if dtype is torch.uint8:
                out = out.clamp(0, 255)
        out = out.to(dtype)
    return out
