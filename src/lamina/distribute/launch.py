"""``launch(fn, nprocs)``: run ``fn`` in ``nprocs`` local processes that form a process group (a local ``torchrun``).

Each process gets the environment ``torchrun`` would give it (``MASTER_ADDR``,
``MASTER_PORT``, ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``), so a
:class:`~lamina.distribute.DataParallel` created inside ``fn`` joins the group.
Processes are started with the ``spawn`` method: ``fn`` and its arguments must be
picklable (a module-level function), and a script must call ``launch`` under
``if __name__ == "__main__":``.

Example (in a script)::

    import lamina as keras

    def train(epochs):
        strategy = keras.distribute.DataParallel()
        with strategy.scope():
            model = build_model()
            model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, batch_size=64, epochs=epochs)
        return model.get_weights() if strategy.is_chief else None

    if __name__ == "__main__":
        weights = keras.distribute.launch(train, nprocs=2, args=(5,))[0]
"""
import multiprocessing
import os
import queue as queue_module
import socket
import traceback


def free_port():
    """A TCP port on this machine that is free now (for ``MASTER_PORT``).

    Example:
        >>> 1024 <= free_port() < 65536
        True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _worker(fn, rank, nprocs, port, args, kwargs, threads, results):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE=str(nprocs),
                      LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(nprocs))
    try:
        import torch

        torch.set_num_threads(threads)
        value = fn(*args, **kwargs)
        results.put((rank, True, value))
    except BaseException:  # report everything (KeyboardInterrupt too) to the parent
        results.put((rank, False, traceback.format_exc()))
        return
    finally:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()


def launch(fn, nprocs=2, args=(), kwargs=None, timeout=None, threads=None):
    """Run ``fn(*args, **kwargs)`` in ``nprocs`` processes on this machine; returns their results in rank order.

    Args:
        fn: a picklable function (defined at module level).
        nprocs: the number of processes (the world size), at least 1.
        args, kwargs: passed to ``fn`` in every process (picklable).
        timeout: seconds to wait for all processes; then they are terminated and
            ``TimeoutError`` is raised. ``None`` waits forever.
        threads: torch's intra-op threads per process; default: the CPU count divided
            by ``nprocs`` (at least 1), so the processes do not oversubscribe the cores.

    Raises RuntimeError with the failing rank's traceback if a process raises or dies.
    """
    if not isinstance(nprocs, int) or isinstance(nprocs, bool) or nprocs < 1:
        raise ValueError(f"launch: nprocs must be a positive int; received nprocs={nprocs!r}")
    if not callable(fn):
        raise TypeError(f"launch: fn must be a function; received {type(fn).__name__}")
    threads = threads or max(1, (os.cpu_count() or 1) // nprocs)
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    port = free_port()
    processes = [ctx.Process(target=_worker, args=(fn, rank, nprocs, port, tuple(args), dict(kwargs or {}),
                                                   threads, results), daemon=False)
                 for rank in range(nprocs)]
    for process in processes:
        process.start()
    values, failures = {}, []
    try:
        while len(values) + len(failures) < nprocs:
            try:
                rank, ok, value = results.get(timeout=1.0)
            except queue_module.Empty:
                dead = [r for r, p in enumerate(processes) if p.exitcode not in (None, 0)
                        and r not in values and all(r != f[0] for f in failures)]
                if dead:
                    failures.extend((r, f"process exited with code {processes[r].exitcode}") for r in dead)
                    break
                if timeout is not None:
                    timeout -= 1.0
                    if timeout <= 0:
                        raise TimeoutError(f"launch: the {nprocs} processes did not finish in time; "
                                           f"finished: {sorted(values)}") from None
                continue
            if ok:
                values[rank] = value
            else:
                failures.append((rank, value))
                break
    finally:
        if failures or len(values) < nprocs:
            for process in processes:
                if process.is_alive():
                    process.terminate()
        for process in processes:
            process.join()
    if failures:
        rank, message = min(failures)
        raise RuntimeError(f"launch: process {rank} of {nprocs} failed:\n{message}")
    return [values[rank] for rank in range(nprocs)]
