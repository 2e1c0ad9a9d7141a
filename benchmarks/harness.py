"""The benchmark harness: every workload's lamina ``fit`` against its hand-written PyTorch loop.

A workload is a module ``benchmarks/workloads/w<N>_<name>.py`` defining::

    NAME = "W2 book convnet 28x28x1, b64"   # shown in the table
    TARGET = 0.95                           # required lamina/loop throughput ratio
    def make_data(): ...                    # dict of NumPy arrays (fixed seed)
    def torch_loop(data, epochs): ...       # idiomatic PyTorch; returns samples processed
    def lamina_fit(data, epochs, jit_compile=False): ...  # lamina's fit(verbose=0); returns samples processed

and optionally ``EPOCHS`` (epochs per timed call, default 1) and ``MEASURE_PROGRESS``
(also time ``lamina_fit(..., verbose=1)`` with a live progress bar drawn on a
pseudo-terminal, to measure what the display costs).

Both sides run once to warm up, then ``rounds`` times interleaved (alternating which
goes first) in this process, with torch on one thread. Each call is timed in CPU
seconds (``time.process_time``) and wall-clock seconds; the table shows lamina's
throughput as a ratio to the loop's: median (min-max over rounds) of per-round
ratios, CPU time first. PASS means the median CPU-time ratio meets ``TARGET``.
"""
import argparse
import contextlib
import fcntl
import importlib
import io
import os
import pkgutil
import statistics
import struct
import sys
import termios
import threading
import time

import torch

import benchmarks.workloads as workloads_package


def discover(selected=None):
    """The workload modules, sorted by number; ``selected`` filters by prefix (``['W1', 'W5']``)."""
    modules = []
    for info in pkgutil.iter_modules(workloads_package.__path__):
        if not info.name.startswith("w"):
            continue
        tag = info.name.split("_", 1)[0].upper()
        if selected and tag not in selected:
            continue
        modules.append((int(tag[1:]) if tag[1:].isdigit() else 999, info.name))
    found = [importlib.import_module(f"benchmarks.workloads.{name}") for _, name in sorted(modules)]
    if selected:
        missing = sorted(set(selected) - {m.__name__.rsplit(".", 1)[1].split("_", 1)[0].upper() for m in found})
        if missing:
            raise SystemExit(f"benchmarks: no workload named {', '.join(missing)}")
    return found


def _timed(fn, *args, **kwargs):
    cpu, wall = time.process_time(), time.perf_counter()
    samples = fn(*args, **kwargs)
    return samples, time.process_time() - cpu, time.perf_counter() - wall


@contextlib.contextmanager
def pseudo_terminal():
    """Redirect ``sys.stdout`` to a pseudo-terminal (drained in a thread), so progress bars draw live."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a 120-column terminal
    stream = io.TextIOWrapper(os.fdopen(slave, "wb", buffering=0), write_through=True)
    done = threading.Event()

    def drain():
        while not done.is_set():
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    saved = sys.stdout
    sys.stdout = stream
    try:
        yield
    finally:
        sys.stdout = saved
        done.set()
        stream.close()
        os.close(master)
        reader.join(timeout=1)


def run_workload(module, rounds):
    """Time one workload; returns a dict of per-round ratios and throughputs."""
    epochs = getattr(module, "EPOCHS", 1)
    data = module.make_data()
    module.torch_loop(data, 1)
    module.lamina_fit(data, 1)
    cpu_ratios, wall_ratios, loop_rates, lamina_rates, progress_costs = [], [], [], [], []
    for index in range(rounds):
        order = ("torch", "lamina") if index % 2 == 0 else ("lamina", "torch")
        results = {}
        for side in order:
            fn = module.torch_loop if side == "torch" else module.lamina_fit
            results[side] = _timed(fn, data, epochs)
        (n_t, cpu_t, wall_t), (n_l, cpu_l, wall_l) = results["torch"], results["lamina"]
        cpu_ratios.append((n_l / cpu_l) / (n_t / cpu_t))
        wall_ratios.append((n_l / wall_l) / (n_t / wall_t))
        loop_rates.append(n_t / cpu_t)
        lamina_rates.append(n_l / cpu_l)
        if getattr(module, "MEASURE_PROGRESS", False):
            with pseudo_terminal():
                _, cpu_v, _ = _timed(module.lamina_fit, data, epochs, verbose=1)
            progress_costs.append(cpu_v / cpu_l - 1.0)
    return {"cpu": cpu_ratios, "wall": wall_ratios, "loop": loop_rates, "lamina": lamina_rates,
            "progress": progress_costs}


def _span(values, fmt="{:.2f}"):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def format_table(rows):
    """The results as a Markdown table (one row per workload)."""
    lines = [
        "| workload | loop samples/s | lamina samples/s | ratio, CPU time | ratio, wall clock | target | result |",
        "| --- | ---: | ---: | --- | --- | ---: | --- |",
    ]
    for module, result in rows:
        passed = statistics.median(result["cpu"]) >= module.TARGET
        lines.append(
            f"| {module.NAME} | {statistics.median(result['loop']):,.0f} | {statistics.median(result['lamina']):,.0f} "
            f"| {_span(result['cpu'])} | {_span(result['wall'])} | {module.TARGET:.2f} | "
            f"{'PASS' if passed else 'FAIL'} |"
        )
    return "\n".join(lines)


def main(argv=None):
    """Entry point of ``python -m benchmarks``; returns 0 if every workload meets its target."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("workloads", nargs="*", help="workloads to run (W1 W5 ...); default: all")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per side (default 5, at least 5)")
    args = parser.parse_args(argv)
    if args.rounds < 5:
        parser.error("--rounds must be at least 5 (the table reports medians of >= 5 repeats)")
    torch.set_num_threads(1)
    selected = [w.upper() for w in args.workloads]
    rows = []
    for module in discover(selected):
        print(f"running {module.NAME} ...", file=sys.stderr, flush=True)
        rows.append((module, run_workload(module, args.rounds)))
    print(format_table(rows))
    for module, result in rows:
        if result["progress"]:
            cost = statistics.median(result["progress"])
            print(f"\n{module.NAME}: the verbose=1 progress bar (drawn live on a pseudo-terminal) costs "
                  f"{100 * cost:+.1f}% CPU time over verbose=0 (median of {len(result['progress'])}; "
                  f"budget 3%): {'PASS' if cost <= 0.03 else 'FAIL'}")
    failed = [m for m, r in rows if statistics.median(r["cpu"]) < m.TARGET]
    failed += [m for m, r in rows if r["progress"] and statistics.median(r["progress"]) > 0.03]
    return 1 if failed else 0
