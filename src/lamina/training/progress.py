"""``Progbar``: Keras's progress bar, drawn with tqdm, cheap enough to update every batch.

``update(current, values)`` returns at once unless ``interval`` seconds have passed
since the last redraw (or the bar is finished), and only then reads ``values``: a
mapping, a list of ``(name, value)`` pairs or a callable returning either. The
training loop passes a lazy mapping, so metrics become Python floats at most ten times
a second.

Output follows Keras:

* ``verbose=1`` on a terminal: a live bar ``37/469 ███▏     ETA: 2s - loss: 0.4351``,
  finished as ``469/469 ██████████ 3s 5ms/step - accuracy: 0.8734 - loss: 0.4351``;
  when the output is not a terminal (a log file, CI) only the finished line is printed;
* ``verbose=2``: one line at the end, ``469/469 - 3s - 5ms/step - loss: 0.4351``.

Example:
    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progbar(3, verbose=2, file=out)
    >>> for step in range(1, 4):
    ...     bar.update(step, [("loss", 1.0 / step)])
    >>> print(out.getvalue().split(" - ", 1)[0])
    3/3
"""
import shutil
import sys
import time
from collections.abc import Mapping

# width of the bar in characters, as Keras's
BAR_WIDTH = 20


def format_value(value):
    """A logged number as Keras prints it: 4 decimals, or scientific notation when tiny.

    Example:
        >>> format_value(0.123456), format_value(1e-5), format_value("n/a")
        ('0.1235', '1.0000e-05', 'n/a')
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"
    return str(value)


def format_duration(seconds):
    """``'3s'``, ``'1:02'`` or ``'1:02:03'``, as Keras shows elapsed time and ETA.

    Example:
        >>> format_duration(3.4), format_duration(62), format_duration(3723)
        ('3s', '1:02', '1:02:03')
    """
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}:{seconds:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def format_rate(seconds_per_unit, unit_name="step"):
    """Time per step: ``'5ms/step'``, ``'120us/step'``, ``'2s/step'``.

    Example:
        >>> format_rate(0.005), format_rate(1.2e-4), format_rate(2.0)
        ('5ms/step', '120us/step', '2s/step')
    """
    if seconds_per_unit >= 1:
        return f"{seconds_per_unit:.0f}s/{unit_name}"
    if seconds_per_unit >= 1e-3:
        return f"{seconds_per_unit * 1e3:.0f}ms/{unit_name}"
    return f"{seconds_per_unit * 1e6:.0f}us/{unit_name}"


def _is_dynamic(file):
    isatty = getattr(file, "isatty", None)
    try:
        if isatty is not None and isatty():
            return True
    except ValueError:  # closed stream
        return False
    return "ipykernel" in sys.modules


class Progbar:
    """A progress bar (``keras.utils.Progbar``).

    Args:
        target: total number of steps, or ``None`` if unknown.
        width: bar width in characters.
        verbose: 1 (a live bar on terminals, one line otherwise), 2 (one line at the
            end), 0 (silent).
        interval: minimum seconds between redraws.
        stateful_metrics: names whose values are shown as given; the others are
            averaged over the steps seen (Keras's semantics). ``None`` means all are
            shown as given (what ``fit`` uses: its logs are already running means).
        unit_name: the unit in the rate, ``'step'`` by default.
        file: where to write (``sys.stdout``).

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> bar = Progbar(2, verbose=1, file=out, stateful_metrics=[])
        >>> bar.update(1, [("loss", 1.0)]); bar.update(2, [("loss", 3.0)])
        >>> "loss: 2.0000" in out.getvalue()
        True
    """

    def __init__(self, target, width=BAR_WIDTH, verbose=1, interval=0.1, stateful_metrics=None, unit_name="step",
                 file=None):
        if verbose not in (0, 1, 2):
            raise ValueError(f"Progbar: verbose must be 0, 1 or 2; received verbose={verbose!r}")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = None if stateful_metrics is None else set(stateful_metrics)
        self.unit_name = unit_name
        self.file = file if file is not None else sys.stdout
        self._dynamic = verbose == 1 and _is_dynamic(self.file)
        self._start = time.monotonic()
        self._last_draw = 0.0
        self._seen = 0
        self._values = {}  # name -> [weighted sum, weight] or the value itself (stateful)
        self._bar = None
        self._finished = False

    # -- public API ------------------------------------------------------------------
    @property
    def seen(self):
        """The last step recorded by :meth:`update`."""
        return self._seen

    def update(self, current, values=None, finalize=None):
        """Record progress ``current``; redraw if ``interval`` has passed or the bar is done.

        ``values`` (a mapping, ``(name, value)`` pairs, or a callable returning one)
        is read only when the bar is redrawn, or always for averaged metrics.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        averaged = self.stateful_metrics is not None
        if averaged:  # running means need every step's values
            self._absorb(current, values)
        if not finalize:
            self._seen = current
            if not self._dynamic:
                return
            now = time.monotonic()
            if now - self._last_draw < self.interval:
                return
            if not averaged:
                self._absorb(current, values)
            self._last_draw = now
            self._draw_live()
            return
        if not averaged:
            self._absorb(current, values)
        self._seen = current
        if self.verbose and not self._finished:
            self._finish()

    def add(self, n, values=None):
        """Advance by ``n`` steps (``update(seen + n, values)``)."""
        self.update(self._seen + n, values)

    def write(self, message):
        """Print a line of text above the bar (which is redrawn below it).

        Example:
            >>> import io
            >>> out = io.StringIO()
            >>> Progbar(2, file=out).write("compiled"); out.getvalue()
            'compiled\\n'
        """
        if self._bar is not None:
            self._bar.write(message, file=self.file)
        else:
            print(message, file=self.file, flush=True)

    def close(self):
        """Release the terminal line (without printing a final line)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    # -- internals ---------------------------------------------------------------------
    def _absorb(self, current, values):
        if callable(values) and not isinstance(values, Mapping):
            values = values()
        if not values:
            return
        items = values.items() if isinstance(values, Mapping) else values
        steps = max(current - self._seen, 1)
        for name, value in items:
            if self.stateful_metrics is None or name in self.stateful_metrics:
                self._values[name] = value
            else:
                total = self._values.setdefault(name, [0.0, 0])
                total[0] += float(value) * steps
                total[1] += steps

    def _metrics_text(self):
        parts = []
        for name, value in self._values.items():
            if isinstance(value, list):
                value = value[0] / max(value[1], 1)
            if hasattr(value, "shape") and getattr(value, "shape", ()) != ():
                continue  # arrays are not shown
            parts.append(f" - {name}: {format_value(float(value) if hasattr(value, 'item') else value)}")
        return "".join(parts)

    def _count_text(self):
        if self.target is None:
            return f"{self._seen}"
        digits = len(str(self.target))
        return f"{self._seen:>{digits}}/{self.target}"

    def _draw_live(self):
        from tqdm import tqdm

        if self._bar is None:
            # shutil falls back to 80x24 when the terminal reports no size (a bare pseudo-terminal), where tqdm
            # would draw nothing
            columns, lines = shutil.get_terminal_size()
            self._bar = tqdm(total=self.target, file=self.file, leave=False, ncols=columns, nrows=lines,
                             bar_format="{desc}", mininterval=0, miniters=0)
        elapsed = time.monotonic() - self._start
        if self.target is not None and self._seen:
            eta = f"ETA: {format_duration(elapsed / self._seen * (self.target - self._seen))}"
            fmt = f"{{desc}}{{bar:{self.width}}} {eta}"
        else:
            fmt = f"{{desc}} {format_duration(elapsed)}"
        self._bar.bar_format = fmt + self._metrics_text().replace("{", "{{").replace("}", "}}")
        self._bar.n = self._seen
        self._bar.set_description_str(self._count_text() + " ", refresh=False)
        self._bar.refresh()

    def _finish(self):
        self._finished = True
        if self.target is None:
            self.target = self._seen
        elapsed = time.monotonic() - self._start
        rate = format_rate(elapsed / max(self._seen, 1), self.unit_name)
        metrics = self._metrics_text()
        if self.verbose == 2:
            line = f"{self._count_text()} - {format_duration(elapsed)} - {rate}{metrics}"
        else:
            bar = "━" * self.width
            line = f"{self._count_text()} {bar} {format_duration(elapsed)} {rate}{metrics}"
        self.close()
        print(line, file=self.file, flush=True)
