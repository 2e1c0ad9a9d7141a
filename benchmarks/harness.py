"""The benchmark harness: every workload's lamina ``fit`` against its hand-written PyTorch loop.

A workload is a module ``benchmarks/workloads/w<N>_<name>.py`` defining::

    NAME = "W2 book convnet 28x28x1, b64"   # shown in the table
    FLOOR = 0.95                            # required eager lamina/loop throughput ratio (CPU time)
    TARGET = 1.75                           # required jit_compile=True lamina/loop ratio (CPU time)
    def make_data(): ...                    # dict of NumPy arrays (fixed seed)
    def torch_loop(data): ...               # builds the idiomatic PyTorch model and optimizer and returns
                                            #   train(epochs) -> samples processed (an eager training loop)
    BATCH_SIZE = 64                         # both sides train on batches of this size
    def lamina_model(jit_compile): ...      # the same network in lamina, compiled (compile(...))

and optionally ``EPOCHS`` (epochs per timed call, default 1) and ``MEASURE_PROGRESS``
(also time eager ``fit(verbose=1)`` with a live progress bar drawn on a
pseudo-terminal against ``verbose=0``, in the order quiet, bar, bar, quiet each round,
to measure what the display costs).

Three sides run in one process with torch on one thread: the hand-written loop,
lamina eager (``jit_compile=False``) and lamina compiled (``jit_compile=True``). Each
model is built once; a first call of each side warms up (for the compiled side it
compiles: the time is reported in the "compile" column), then ``rounds`` timed calls
per side follow, interleaved (the order rotates every round). Every ``fit`` call is a
new ``fit`` on the same model, so a recompilation per call or per epoch would show.
Each call is timed in CPU seconds (``time.process_time``: this process only; one
thread, so it is the stable figure on a shared machine) and wall-clock seconds; the
table gives lamina's throughput as a ratio to the loop's in the same round: median
(min-max) over rounds. A workload passes when the eager side's median CPU-time ratio
meets ``FLOOR`` and the compiled side's meets ``TARGET``. The import row compares
``import lamina`` with ``import torch`` in fresh interpreters (CPU seconds of the child
process).
"""
import argparse
import contextlib
import fcntl
import importlib
import io
import os
import pkgutil
import resource
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time

import torch

import benchmarks.workloads as workloads_package

SIDES = ("loop", "eager", "jit")
IMPORT_BUDGET = 0.3  # CPU seconds that `import lamina` may add to `import torch`


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
        missing = sorted(set(selected) - {m.__name__.rsplit(".", 1)[1].split("_", 1)[0].upper() for m in found}
                         - {"IMPORT"})
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


def lamina_fit(module, model, data, epochs, verbose=0):
    """``model.fit`` on the workload's data for ``epochs`` epochs; returns the samples processed."""
    model.fit(data["x"], data["y"], batch_size=module.BATCH_SIZE, epochs=epochs, verbose=verbose)
    return epochs * len(data["x"])


def _compilation(model):
    """(seconds spent compiling, reason it could not compile or None) for a lamina model's compiled steps."""
    from lamina.training import jit

    seconds, failures = 0.0, []
    for step, _ in jit.steps_of(model).values():
        if isinstance(step, jit.CompiledStep):
            seconds += step.compile_seconds
            if step.failure:
                failures.append(step.failure)
    return seconds, (failures[0] if failures else None)


def run_workload(module, rounds):
    """Time one workload; returns a dict of per-round ratios, throughputs and the compilation cost."""
    epochs = getattr(module, "EPOCHS", 1)
    data = module.make_data()
    loop = module.torch_loop(data)
    models = {"eager": module.lamina_model(False), "jit": module.lamina_model(True)}
    calls = {"loop": lambda: loop(epochs),
             "eager": lambda: lamina_fit(module, models["eager"], data, epochs),
             "jit": lambda: lamina_fit(module, models["jit"], data, epochs)}
    loop(1)
    lamina_fit(module, models["eager"], data, 1)
    lamina_fit(module, models["jit"], data, 1)
    compile_seconds, failure = _compilation(models["jit"])
    result = {"cpu": {s: [] for s in SIDES[1:]}, "wall": {s: [] for s in SIDES[1:]}, "loop": [],
              "progress": [], "compile": compile_seconds, "failure": failure}
    for index in range(rounds):
        order = SIDES[index % 3:] + SIDES[:index % 3]
        timings = {side: _timed(calls[side]) for side in order}
        n_t, cpu_t, wall_t = timings["loop"]
        result["loop"].append(n_t / cpu_t)
        for side in SIDES[1:]:
            n, cpu, wall = timings[side]
            result["cpu"][side].append((n / cpu) / (n_t / cpu_t))
            result["wall"][side].append((n / wall) / (n_t / wall_t))
        if getattr(module, "MEASURE_PROGRESS", False):
            result["progress"].append(_progress_cost(module, models["eager"], data, epochs))
    result["recompiled"] = _compilation(models["jit"])[0] > compile_seconds
    return result


def _progress_cost(module, model, data, epochs):
    """Relative CPU cost of ``fit(verbose=1)`` (live bar on a pseudo-terminal) over ``verbose=0``.

    Timed in the order quiet, bar, bar, quiet, so that a drift in the machine's load
    during the measurement cancels out.
    """
    def quiet():
        return _timed(lamina_fit, module, model, data, epochs)[1]

    def with_bar():
        with pseudo_terminal():
            return _timed(lamina_fit, module, model, data, epochs, verbose=1)[1]

    first, bar_1, bar_2, last = quiet(), with_bar(), with_bar(), quiet()
    return (bar_1 + bar_2) / (first + last) - 1.0


def measure_import(rounds):
    """CPU seconds (user + system) of ``python -c 'import torch'`` and ``'import lamina'``, ``rounds`` each.

    The children may write bytecode caches even when this process was told not to
    (``PYTHONDONTWRITEBYTECODE``): an installed package is imported from them.
    """
    times = {"torch": [], "lamina": []}
    # as users run an installed package: from bytecode caches (written by a warm-up import if missing)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for name in times:
        subprocess.run([sys.executable, "-c", f"import {name}"], check=True, env=env)
    for _ in range(rounds):
        for name in times:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-c", f"import {name}"], check=True, env=env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times


def _span(values, fmt="{:.2f}"):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def _verdicts(module, result):
    """(eager meets FLOOR, compiled meets TARGET)."""
    return (statistics.median(result["cpu"]["eager"]) >= module.FLOOR,
            statistics.median(result["cpu"]["jit"]) >= module.TARGET)


def _passed(module, result):
    return all(_verdicts(module, result))


def format_table(rows):
    """The results as a Markdown table (one row per workload)."""
    lines = [
        "| workload | loop samples/s | eager, CPU | eager, wall | jit, CPU | jit, wall | compile s | eager floor "
        "| jit target | result (eager, jit) |",
        "| --- | ---: | --- | --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for module, result in rows:
        compile_text = f"{result['compile']:.1f}" if not result["failure"] else "failed"
        lines.append(
            f"| {module.NAME} | {statistics.median(result['loop']):,.0f} "
            f"| {_span(result['cpu']['eager'])} | {_span(result['wall']['eager'])} "
            f"| {_span(result['cpu']['jit'])} | {_span(result['wall']['jit'])} | {compile_text} | {module.FLOOR:.2f} "
            f"| {module.TARGET:.2f} | {', '.join('PASS' if ok else 'FAIL' for ok in _verdicts(module, result))} |"
        )
    return "\n".join(lines)


def format_import(times):
    """The import-time comparison as a Markdown table."""
    torch_cpu, lamina_cpu = statistics.median(times["torch"]), statistics.median(times["lamina"])
    extra = lamina_cpu - torch_cpu
    return "\n".join([
        "| cold import | CPU s | target | result |",
        "| --- | --- | --- | --- |",
        f"| import torch | {_span(times['torch'])} | | |",
        f"| import lamina | {_span(times['lamina'])} | torch + {IMPORT_BUDGET} | "
        f"{'PASS' if extra <= IMPORT_BUDGET else 'FAIL'} (+{extra:.2f}) |",
    ])


def main(argv=None):
    """Entry point of ``python -m benchmarks``; returns 0 if every target is met."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("workloads", nargs="*", help="workloads to run (W1 W5 ... and IMPORT); default: all")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per side (default 5, at least 5)")
    args = parser.parse_args(argv)
    if args.rounds < 5:
        parser.error("--rounds must be at least 5 (the table reports medians of >= 5 repeats)")
    torch.set_num_threads(1)
    selected = [w.upper() for w in args.workloads]
    rows = []
    for module in discover([s for s in selected if s != "IMPORT"] or None) if selected != ["IMPORT"] else []:
        print(f"running {module.NAME} ...", file=sys.stderr, flush=True)
        rows.append((module, run_workload(module, args.rounds)))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread (torch.set_num_threads(1)); ratios are "
          f"lamina throughput / hand-written eager loop throughput, median (min-max) of {args.rounds} rounds\n")
    failed = []
    if rows:
        print(format_table(rows))
        failed += [m for m, r in rows if not _passed(m, r)]
    for module, result in rows:
        if result["failure"]:
            print(f"\n{module.NAME}: jit_compile=True could not compile: {result['failure']}")
        if result["recompiled"]:
            print(f"\n{module.NAME}: the compiled step was compiled again during the timed rounds")
            failed.append(module)
        if result["progress"]:
            cost = statistics.median(result["progress"])
            print(f"\n{module.NAME}: the verbose=1 progress bar (drawn live on a pseudo-terminal) costs "
                  f"{100 * cost:+.1f}% CPU time over verbose=0 (median of {len(result['progress'])}; "
                  f"budget 3%): {'PASS' if cost <= 0.03 else 'FAIL'}")
            if cost > 0.03:
                failed.append(module)
    if not selected or "IMPORT" in selected:
        print("running import times ...", file=sys.stderr, flush=True)
        times = measure_import(args.rounds)
        print("\n" + format_import(times))
        if statistics.median(times["lamina"]) - statistics.median(times["torch"]) > IMPORT_BUDGET:
            failed.append("import")
    return 1 if failed else 0
