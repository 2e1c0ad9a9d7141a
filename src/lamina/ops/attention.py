"""Scaled dot-product attention (``keras.ops.dot_product_attention``) on torch's fused SDPA kernels.

Shapes follow Keras: query ``(B, T, N, H)``, key/value ``(B, S, K, H)`` with
``N`` a multiple of ``K`` (grouped-query attention when ``K < N``).

Example:
    >>> q = torch.ones(2, 4, 8, 16)
    >>> dot_product_attention(q, torch.ones(2, 6, 8, 16), torch.ones(2, 6, 8, 16)).shape
    torch.Size([2, 4, 8, 16])
"""
import torch
import torch.nn.attention
import torch.nn.functional as F

from lamina.ops.dispatch import op, to_tensor
from lamina.ops.promotion import result_type

__all__ = ["dot_product_attention"]


def _large_negative(dtype):
    """A finite stand-in for -inf: fully masked rows then average uniformly instead of giving NaN."""
    return -0.7 * torch.finfo(dtype).max


@op
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """``softmax(query @ key^T * scale + bias, masked) @ value`` per head.

    Args:
        bias: added to the logits, broadcastable to ``(B, N, T, S)``.
        mask: bool, broadcastable to ``(B, N, T, S)``; True where attention is allowed.
        scale: logits scale, ``1 / sqrt(H)`` by default.
        is_causal: forbid attending to later key positions.
        flash_attention: ``None`` lets torch choose its kernel; ``False`` forces the
            reference math kernel; ``True`` requires the flash kernel (CUDA only).

    Example:
        >>> out = dot_product_attention(torch.ones(1, 3, 2, 4), torch.ones(1, 3, 2, 4), torch.ones(1, 3, 2, 4),
        ...                             is_causal=True)
        >>> out.shape
        torch.Size([1, 3, 2, 4])
    """
    if attn_logits_soft_cap is not None:
        raise ValueError("dot_product_attention: attn_logits_soft_cap is only supported by JAX on TPU, not by lamina")
    query, key, value = to_tensor(query), to_tensor(key), to_tensor(value)
    for name, tensor in (("query", query), ("key", key), ("value", value)):
        if tensor.dim() != 4:
            raise ValueError(
                f"dot_product_attention: {name} must be 4-D (batch, length, heads, head_dim); received shape "
                f"{tuple(tensor.shape)}"
            )
    heads, kv_heads = query.shape[2], key.shape[2]
    if heads % kv_heads:
        raise ValueError(
            f"dot_product_attention: query has {heads} heads, not a multiple of the {kv_heads} key/value heads"
        )
    dtype = result_type(query.dtype, key.dtype, value.dtype)
    q, k, v = (t.to(dtype).transpose(1, 2) for t in (query, key, value))
    if kv_heads != heads:
        k = k.repeat_interleave(heads // kv_heads, dim=1)
        v = v.repeat_interleave(heads // kv_heads, dim=1)
    additive = None if bias is None else to_tensor(bias, dtype)
    if mask is not None:
        mask = to_tensor(mask).bool()
        if is_causal:
            mask = mask & torch.ones(q.shape[2], k.shape[2], dtype=torch.bool, device=q.device).tril()
            is_causal = False
        zero = torch.zeros((), dtype=dtype, device=q.device)
        blocked = torch.where(mask, zero, zero + _large_negative(dtype))
        additive = blocked if additive is None else additive + blocked
    elif is_causal and additive is not None:
        causal = torch.ones(q.shape[2], k.shape[2], dtype=torch.bool, device=q.device).tril()
        additive = additive.masked_fill(~causal, _large_negative(dtype))
        is_causal = False
    if flash_attention is False:
        with torch.nn.attention.sdpa_kernel(torch.nn.attention.SDPBackend.MATH):
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=additive, is_causal=is_causal, scale=scale)
    elif flash_attention:
        with torch.nn.attention.sdpa_kernel(torch.nn.attention.SDPBackend.FLASH_ATTENTION):
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=additive, is_causal=is_causal, scale=scale)
    else:
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=additive, is_causal=is_causal, scale=scale)
    return out.transpose(1, 2)
