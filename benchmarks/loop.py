"""The hand-written PyTorch training loop every workload is measured against.

What a PyTorch user writes for the book's networks: tensors built once, a
``torch.randperm`` per epoch, ``torch.optim.RMSprop`` with Keras's defaults,
``zero_grad(set_to_none=True)``, and the epoch's loss and metric accumulated on the
device and read once at the end of the epoch (as ``fit`` reports them).

Example:
    >>> import torch
    >>> model = torch.nn.Linear(3, 1)
    >>> train = hand_written_loop(model, torch.ones(8, 3), torch.ones(8, 1), 4, torch.nn.functional.mse_loss)
    >>> train(2)
    16
"""
import torch


def hand_written_loop(model, x, y, batch_size, loss_fn, metric_sum=None):
    """``train(epochs) -> samples processed`` for ``model`` on tensors ``x``, ``y``.

    ``loss_fn(output, y_batch)`` is the batch-mean loss; ``metric_sum(output, y_batch)``
    (optional) the batch's sum of the tracked metric.
    """
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    n = len(x)

    def train(epochs):
        for _ in range(epochs):
            model.train()
            order = torch.randperm(n)
            loss_sum = torch.zeros(())
            metric_total = torch.zeros(())
            for start in range(0, n, batch_size):
                index = order[start:start + batch_size]
                xb, yb = x[index], y[index]
                optimizer.zero_grad(set_to_none=True)
                output = model(xb)
                loss = loss_fn(output, yb)
                loss.backward()
                optimizer.step()
                with torch.no_grad():
                    loss_sum.add_(loss.detach(), alpha=len(xb))
                    if metric_sum is not None:
                        metric_total += metric_sum(output, yb)
            float(loss_sum / n), float(metric_total / n)  # the epoch's numbers, read once
        return epochs * n

    train.model = model  # for checks that both sides train the same network
    return train
