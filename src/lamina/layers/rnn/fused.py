"""LSTM and GRU on PyTorch's fused recurrent kernels (``torch._VF.lstm`` / ``torch._VF.gru``).

Keras keeps its own weight layout (kernel ``(input_dim, gates * units)``, LSTM gates
``i, f, c, o``, GRU gates ``z, r, h`` with a ``(2, 3 * units)`` reset-after bias);
the layouts are converted here on every call, inside autograd, so gradients reach
the Keras-layout weights. For the LSTM the conversion is free (a transposed view:
torch's gate order ``i, f, g, o`` is Keras's); the GRU needs one small concatenation
to swap its ``z`` and ``r`` blocks (torch's order is ``r, z, n``; the reset-after
formula is the same in both libraries).

Inside a ``torch.compile``d step (``jit_compile``) the LSTM runs oneDNN's LSTM (what
``torch._VF.lstm`` runs on the CPU) as one opaque operation
(:func:`lamina.layers.compiled_ops.lstm`): torch's own decomposition of ``lstm`` for
training unrolls every timestep into the graph. The GRU has no
fused CPU kernel; torch.compile unrolls it (compilation time grows with the number of
timesteps; the unrolled, fused steps then run about twice as fast as eager).

Masks: Keras's loop keeps the state and repeats the previous output at masked
steps. When each row's unmasked steps form one contiguous block (right padding,
left padding, or either seen backwards), that is the same as running the kernel on
the block alone, which a packed sequence does; the outputs are then put back at
their timesteps. Any other mask returns ``None`` and the caller runs its step loop.

Example:
    >>> x = torch.randn(2, 5, 3)
    >>> kernel, recurrent, bias = torch.randn(3, 16), torch.randn(4, 16), torch.zeros(16)
    >>> last, outputs, (h, c) = lstm(x, torch.zeros(2, 4), torch.zeros(2, 4), kernel, recurrent, bias)
    >>> last.shape, outputs, bool(torch.equal(last, h))
    (torch.Size([2, 4]), None, True)
"""
import torch
from torch.nn.utils.rnn import PackedSequence, invert_permutation

from lamina.layers import compiled_ops


class _Plan:
    """How a mask maps onto the fused kernel: per-row block starts and lengths (processing order)."""

    __slots__ = ("mask", "lengths", "starts", "lengths_cpu", "shifted", "full")

    def __init__(self, mask, lengths, starts, lengths_cpu, shifted, full):
        self.mask, self.lengths, self.starts = mask, lengths, starts
        self.lengths_cpu, self.shifted, self.full = lengths_cpu, shifted, full


def _plan(mask, go_backwards):
    """A :class:`_Plan` for a ``(batch, time)`` bool mask, or ``None`` if some row is not one contiguous block.

    This reads three small per-row statistics back to the host (one transfer): the
    packed kernel needs the lengths on the CPU, and whether the kernel can be used
    at all depends on the mask's values.
    """
    if go_backwards:
        mask = mask.flip(1)
    steps = mask.shape[1]
    lengths = mask.sum(1)
    starts = mask.to(torch.uint8).argmax(1)
    positions = torch.arange(steps, device=mask.device)
    block = (positions >= starts[:, None]) & (positions < (starts + lengths)[:, None])
    stats = torch.cat([lengths, starts, (block == mask).all().view(1).long()]).cpu()
    contiguous = bool(stats[-1])
    lengths_cpu, starts_cpu = stats[:len(lengths)], stats[len(lengths):-1]
    if not contiguous or bool((lengths_cpu == 0).any()):
        return None
    full = bool((lengths_cpu == steps).all())
    return _Plan(mask, lengths, starts, lengths_cpu, bool(starts_cpu.any()), full)


def _gather_time(x, index):
    return x.gather(1, index.unsqueeze(-1).expand(-1, -1, x.shape[-1]))


def _run(kernel_fn, x, hidden, params, mask, go_backwards, return_sequences, zero_output_for_mask):
    """Run ``kernel_fn`` (``_VF.lstm``/``_VF.gru``) with Keras's masking and direction semantics.

    Returns ``(last_output, outputs or None, final hidden tuple)`` or ``None`` if the mask needs the step loop.
    """
    plan = None
    if mask is not None:
        plan = _plan(mask, go_backwards)
        if plan is None:
            return None
        if plan.full:
            plan = None
    hx = tuple(h.unsqueeze(0) for h in hidden)
    if plan is None:
        if go_backwards:
            x = x.flip(1)
        # train=grad mode: cuDNN keeps what its backward needs only in training mode (dropout is 0 either way)
        result = kernel_fn(x, hx if len(hx) > 1 else hx[0], params, True, 1, 0.0, torch.is_grad_enabled(), False,
                           True)
        outputs, final = result[0], result[1:]
        final = tuple(h.squeeze(0) for h in final)
        return final[0], (outputs if return_sequences else None), final

    steps = x.shape[1]
    positions = torch.arange(steps, device=x.device)
    if go_backwards:  # left-align each reversed block: aligned[j] = x[T - 1 - start - j]
        index = ((steps - 1) - plan.starts)[:, None] - positions
        x = _gather_time(x, index.clamp_(min=0))
    elif plan.shifted:
        x = _gather_time(x, (plan.starts[:, None] + positions).clamp_(max=steps - 1))
    sorted_lengths, order = torch.sort(plan.lengths_cpu, descending=True)
    order_dev = order.to(x.device)
    packed = torch.nn.utils.rnn.pack_padded_sequence(x.index_select(0, order_dev), sorted_lengths, batch_first=True)
    hx = tuple(h.index_select(1, order_dev) for h in hx)
    result = kernel_fn(packed.data, packed.batch_sizes, hx if len(hx) > 1 else hx[0], params, True, 1, 0.0,
                       torch.is_grad_enabled(), False)
    unsort = invert_permutation(order_dev)
    final = tuple(h.squeeze(0).index_select(0, unsort) for h in result[1:])
    last = final[0]
    if zero_output_for_mask:
        last = last * plan.mask[:, -1:].to(last.dtype)
    if not return_sequences:
        return last, None, final
    padded, _ = torch.nn.utils.rnn.pad_packed_sequence(
        PackedSequence(result[0], packed.batch_sizes), batch_first=True, total_length=steps)
    padded = padded.index_select(0, unsort)
    relative = positions - plan.starts[:, None] if (plan.shifted or go_backwards) else positions.expand(len(last), -1)
    if zero_output_for_mask:
        index = relative.clamp(min=0, max=steps - 1)
        outputs = _gather_time(padded, index) if (plan.shifted or go_backwards) else padded
        return last, outputs * plan.mask.unsqueeze(-1).to(outputs.dtype), final
    index = torch.minimum(relative.clamp(min=0), (plan.lengths - 1)[:, None])
    outputs = _gather_time(padded, index)
    if plan.shifted or go_backwards:
        outputs = outputs * (relative >= 0).unsqueeze(-1).to(outputs.dtype)
    return last, outputs, final


def _mkldnn_lstm(x, h0, c0, params, go_backwards, return_sequences):
    """``(last, outputs, [h, c])`` from oneDNN's LSTM (what ``_VF.lstm`` runs on the CPU)."""
    if go_backwards:
        x = x.flip(1)
    outputs, h, c = compiled_ops.lstm(x.transpose(0, 1).contiguous(), *params, h0.unsqueeze(0), c0.unsqueeze(0))
    h, c = h.squeeze(0), c.squeeze(0)
    return h, (outputs.transpose(0, 1) if return_sequences else None), [h, c]


_MKLDNN = torch.backends.mkldnn.is_available()


def _mkldnn_applies(tensors):
    return (_MKLDNN
            and all(t.device.type == "cpu" and t.dtype in (torch.float32, torch.bfloat16) for t in tensors))


def lstm(x, h0, c0, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, return_sequences=False,
         zero_output_for_mask=False):
    """Keras's LSTM (tanh, sigmoid gates, one bias) over ``x`` ``(batch, time, features)`` on the fused kernel.

    Returns ``(last_output, outputs, [h, c])`` (``outputs`` is ``None`` unless ``return_sequences``),
    or ``None`` when ``mask`` is not one contiguous block per row.

    Example:
        >>> out = lstm(torch.ones(1, 2, 1), torch.zeros(1, 1), torch.zeros(1, 1),
        ...            torch.zeros(1, 4), torch.zeros(1, 4), torch.zeros(4), return_sequences=True)
        >>> out[1].shape
        torch.Size([1, 2, 1])
    """
    params = (kernel.t(), recurrent_kernel.t(), bias, torch.zeros_like(bias))
    if not torch.compiler.is_compiling():
        compiled_ops.prepare()
    elif mask is None and _mkldnn_applies((x, h0, c0, kernel, recurrent_kernel, bias)):
        return _mkldnn_lstm(x, h0, c0, params, go_backwards, return_sequences)
    result = _run(torch._VF.lstm, x, (h0, c0), params, mask, go_backwards, return_sequences, zero_output_for_mask)
    if result is None:
        return None
    last, outputs, final = result
    return last, outputs, list(final)


def _gru_order(weight, units):
    """Keras ``z, r, h`` gate blocks (last axis) to torch's ``r, z, n``."""
    return torch.cat([weight[..., units:2 * units], weight[..., :units], weight[..., 2 * units:]], dim=-1)


def gru(x, h0, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, return_sequences=False,
        zero_output_for_mask=False):
    """Keras's reset-after GRU (tanh, sigmoid gates, ``(2, 3 * units)`` bias) on the fused kernel.

    Returns ``(last_output, outputs, [h])`` or ``None`` (see :func:`lstm`).

    Example:
        >>> out = gru(torch.ones(1, 3, 2), torch.zeros(1, 4), torch.zeros(2, 12), torch.zeros(4, 12),
        ...           torch.zeros(2, 12))
        >>> out[0].tolist()
        [[0.0, 0.0, 0.0, 0.0]]
    """
    units = recurrent_kernel.shape[0]
    both = _gru_order(torch.cat([kernel, recurrent_kernel], 0), units).t()
    biases = _gru_order(bias, units)
    params = (both[:, :kernel.shape[0]], both[:, kernel.shape[0]:], biases[0], biases[1])
    result = _run(torch._VF.gru, x, (h0,), params, mask, go_backwards, return_sequences, zero_output_for_mask)
    if result is None:
        return None
    last, outputs, final = result
    return last, outputs, list(final)
