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
import runpy
import sys

from lamina.compat.importer import install_aliases, uninstall_aliases


def run_script(path, args):
    """Run ``path`` as ``__main__`` with ``sys.argv = [path] + args`` and the aliases installed; return an exit code.

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
    try:
        runpy.run_path(path, run_name="__main__")
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
        uninstall_aliases()
    return 0
