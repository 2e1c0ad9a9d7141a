"""``lamina run script.py [args...]``: run an unmodified Keras/TensorFlow program on lamina.

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "prog.py")
    >>> _ = open(path, "w").write("import keras\\nprint(keras.layers.Dense(2).units)\\n")
    >>> run_script(path, [])
    2
    0
"""
import os
import re
import runpy
import sys

from lamina.compat import tensor_methods
from lamina.compat.importer import install_aliases, uninstall_aliases


def run_script(path, args):
    """Run ``path`` as ``__main__`` with ``sys.argv = [path] + args`` and the aliases installed; return an exit code.

    While the script runs, ``Tensor.numpy()`` behaves as TensorFlow's (see
    :mod:`lamina.compat.tensor_methods`). ``sys.exit(n)`` in the script gives exit
    code ``n``; an uncaught exception propagates (the command prints it and exits 1).

    Example:
        >>> run_script("/no/such/file.py", [])
        Traceback (most recent call last):
        ...
        FileNotFoundError: lamina run: no such script: '/no/such/file.py'
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"lamina run: no such script: {path!r}")
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    install_aliases()
    tensor_methods.install()
    try:
        runpy.run_path(path, run_name="__main__")
    except ImportError as error:
        _explain_missing_name(error)
        raise
    except SystemExit as exit_:
        code = exit_.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
        tensor_methods.uninstall()
        uninstall_aliases()
    return 0


def _user_module(name):
    """The module name the script used for lamina module ``name`` (``lamina.layers`` -> ``keras.layers``)."""
    if name.startswith("lamina.compat.tensorflow"):
        return "tensorflow" + name[len("lamina.compat.tensorflow"):]
    return "keras" + name[len("lamina"):]


def _explain_missing_name(error):
    """Add a note to ``from keras.x import Name`` / ``from tensorflow import name`` errors for names lamina lacks."""
    match = re.match(r"cannot import name '([^']+)' from '(lamina[\w.]*)'", str(error))
    if match and hasattr(error, "add_note"):  # notes exist from Python 3.11
        name, module = match.groups()
        subset = "TensorFlow subset" if module.startswith("lamina.compat.tensorflow") else "Keras API"
        error.add_note(
            f"lamina run: {_user_module(module)}.{name} is not part of lamina's {subset} ({module} serves "
            f"{_user_module(module)} here); see docs/compat.md"
        )
