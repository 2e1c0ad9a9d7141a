"""ATen kernels as opaque operations inside ``torch.compile``d steps (``jit_compile``).

Two of torch's compilation paths do worse than the eager kernels on the CPU (torch 2.13):

* max pooling: inductor turns the backward pass into a scatter loop over a
  channels-first buffer; on the book's convnet (channels-last activations) it took
  7.5 ms of a 22 ms step where ATen's kernel takes 1.1 ms;
* the LSTM: torch's decomposition of ``lstm`` for training unrolls every timestep into
  the graph (14 minutes to compile a 500-step sequence), and inductor's lowering of
  oneDNN's LSTM (``aten.mkldnn_rnn_layer``) handles inference only.

Inside a compiled step the layers therefore call :func:`max_pool` and :func:`lstm`,
``torch.library`` custom ops that run ATen's kernels forward and backward (the same
kernels, hence the same results, as eager execution). Eager calls go straight to
torch's functions.

The ops are registered by :func:`prepare`, which the layers call on their eager calls,
so importing lamina does not pay for them and the registration is never traced. A
layer traced before any eager call (``torch.compile`` of a fresh model) falls back to
torch's own functions.

Example:
    >>> x = torch.arange(8.0).reshape(1, 1, 8)
    >>> max_pool(x, [2], [2], [0]).tolist()
    [[[1.0, 3.0, 5.0, 7.0]]]
"""
import torch
import torch.nn.functional as F

_OPS = None
_LSTM_MODE = 2  # ideep::rnn_kind::LSTM


# -- max pooling ------------------------------------------------------------------------
def _pool(x, kernel, stride, padding):
    rank = x.dim() - 2
    if rank == 1:  # as 2-D pooling over a unit height (the 1-D op has no backward of its own)
        out, indices = torch.ops.aten.max_pool2d_with_indices(x.unsqueeze(2), [1] + kernel, [1] + stride,
                                                              [0] + padding)
        return out.squeeze(2), indices.squeeze(2)
    pool = torch.ops.aten.max_pool2d_with_indices if rank == 2 else torch.ops.aten.max_pool3d_with_indices
    return pool(x, kernel, stride, padding)


def _pool_backward(grad, x, indices, kernel, stride, padding):
    rank = x.dim() - 2
    if rank == 1:
        return torch.ops.aten.max_pool2d_with_indices_backward(
            grad.unsqueeze(2), x.unsqueeze(2), [1] + kernel, [1] + stride, [0] + padding, [1, 1], False,
            indices.unsqueeze(2)).squeeze(2)
    backward = (torch.ops.aten.max_pool2d_with_indices_backward if rank == 2
                else torch.ops.aten.max_pool3d_with_indices_backward)
    return backward(grad, x, kernel, stride, padding, [1] * rank, False, indices)


def _pool_op(x: torch.Tensor, kernel: list[int], stride: list[int],
             padding: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    return _pool(x, kernel, stride, padding)


def _pool_backward_op(grad: torch.Tensor, x: torch.Tensor, indices: torch.Tensor, kernel: list[int],
                      stride: list[int], padding: list[int]) -> torch.Tensor:
    return _pool_backward(grad, x, indices, kernel, stride, padding)


# -- LSTM ---------------------------------------------------------------------------------
def _lstm(x, w_ih, w_hh, b_ih, b_hh, hx, cx, train):
    return torch.ops.aten.mkldnn_rnn_layer(x, w_ih, w_hh, b_ih, b_hh, hx, cx, False, [], _LSTM_MODE, hx.shape[2],
                                           1, True, False, False, train)


def _lstm_op(x: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor, b_ih: torch.Tensor, b_hh: torch.Tensor,
             hx: torch.Tensor, cx: torch.Tensor,
             train: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    with torch.enable_grad():  # oneDNN keeps the workspace its backward needs only in grad mode
        return _lstm(x, w_ih, w_hh, b_ih, b_hh, hx, cx, train)


def _lstm_backward(x, w_ih, w_hh, b_ih, b_hh, hx, cx, output, hy, cy, grad_output, grad_hy, grad_cy, workspace):
    return torch.ops.aten.mkldnn_rnn_layer_backward(
        x, w_ih, w_hh, b_ih, b_hh, hx, cx, output, hy, cy, grad_output, grad_hy, grad_cy, False, _LSTM_MODE,
        hx.shape[2], 1, True, True, False, [], False, workspace)


def _lstm_backward_op(x: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor, b_ih: torch.Tensor,
                      b_hh: torch.Tensor, hx: torch.Tensor, cx: torch.Tensor, output: torch.Tensor, hy: torch.Tensor,
                      cy: torch.Tensor, grad_output: torch.Tensor, grad_hy: torch.Tensor, grad_cy: torch.Tensor,
                      workspace: torch.Tensor) -> list[torch.Tensor]:
    return list(_lstm_backward(x, w_ih, w_hh, b_ih, b_hh, hx, cx, output, hy, cy, grad_output, grad_hy, grad_cy,
                               workspace))


# -- registration -----------------------------------------------------------------------------
def _register():
    custom_op = torch.library.custom_op
    pool = custom_op("lamina::max_pool", mutates_args=())(_pool_op)
    pool_backward = custom_op("lamina::max_pool_backward", mutates_args=())(_pool_backward_op)
    pool.register_fake(_pool)
    pool_backward.register_fake(_pool_backward)

    def pool_setup(ctx, inputs, output):
        x, kernel, stride, padding = inputs
        ctx.save_for_backward(x, output[1])
        ctx.window = (kernel, stride, padding)

    def pool_grad(ctx, grad, _):
        x, indices = ctx.saved_tensors
        return pool_backward(grad, x, indices, *ctx.window), None, None, None

    pool.register_autograd(pool_grad, setup_context=pool_setup)

    lstm_op = custom_op("lamina::lstm", mutates_args=())(_lstm_op)
    lstm_backward = custom_op("lamina::lstm_backward", mutates_args=())(_lstm_backward_op)
    lstm_op.register_fake(_lstm)
    lstm_backward.register_fake(lambda *args: list(_lstm_backward(*args)))

    def lstm_setup(ctx, inputs, output):
        ctx.save_for_backward(*inputs[:7], *output)

    def lstm_grad(ctx, grad_output, grad_hy, grad_cy, _):
        saved = ctx.saved_tensors
        grads = lstm_backward(*saved[:10], grad_output, grad_hy, grad_cy, saved[10])
        return (*grads, None)

    lstm_op.register_autograd(lstm_grad, setup_context=lstm_setup)
    return pool, lstm_op


def prepare():
    """Register the custom ops (once; call it outside any ``torch.compile`` trace).

    Example:
        >>> prepare(); prepare()
    """
    global _OPS
    if _OPS is None:
        _OPS = _register()


def _ops():
    if _OPS is None and not torch.compiler.is_compiling():
        prepare()
    return _OPS


def max_pool(x, kernel, stride, padding):
    """Max pooling of a channels-first view ``x`` ``(batch, channels, *spatial)`` through ATen's kernels.

    ``kernel``, ``stride`` and ``padding`` are lists with one int per spatial axis.

    Example:
        >>> max_pool(torch.ones(2, 3, 4, 4), [2, 2], [2, 2], [0, 0]).shape
        torch.Size([2, 3, 2, 2])
    """
    ops = _ops()
    if ops is None:
        return (F.max_pool1d, F.max_pool2d, F.max_pool3d)[x.dim() - 3](x, kernel, stride, padding)
    return ops[0](x, list(kernel), list(stride), list(padding))[0]


def lstm(x, w_ih, w_hh, b_ih, b_hh, hx, cx):
    """One LSTM layer over ``x`` ``(time, batch, features)`` with oneDNN's kernel: ``(outputs, h, c)``.

    Weights in torch's layout (``w_ih`` ``(4 * units, features)``, gates ``i, f, g, o``);
    ``hx``/``cx`` are ``(1, batch, units)``. Needs a CPU with oneDNN (``torch.backends.mkldnn``).

    Example:
        >>> out, h, c = lstm(torch.ones(5, 2, 3), torch.zeros(8, 3), torch.zeros(8, 2), torch.zeros(8),
        ...                  torch.zeros(8), torch.zeros(1, 2, 2), torch.zeros(1, 2, 2))
        >>> out.shape, h.shape
        (torch.Size([5, 2, 2]), torch.Size([1, 2, 2]))
    """
    ops = _ops()
    train = torch.is_grad_enabled()
    if ops is None:
        return _lstm(x, w_ih, w_hh, b_ih, b_hh, hx, cx, train)[:3]
    return ops[1](x, w_ih, w_hh, b_ih, b_hh, hx, cx, train)[:3]
