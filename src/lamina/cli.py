"""The ``lamina`` command line: ``lamina demo``, ``lamina run script.py``, ``--version``."""
import argparse
import sys


def _demo(args):
    try:
        from lamina.examples.demo import run_demo
    except ImportError:
        print(
            "lamina demo: the training loop has not landed yet, so there is nothing to train. "
            "This command will train the MNIST network once `compile`/`fit` exist.",
            file=sys.stderr,
        )
        return 1
    return run_demo(output_dir=args.output, epochs=args.epochs)


def _run(args):
    from lamina.compat.runner import run_script

    return run_script(args.script, args.args)


def build_parser():
    """The argument parser of the ``lamina`` command.

    Example:
        >>> build_parser().prog
        'lamina'
    """
    parser = argparse.ArgumentParser(prog="lamina", description="Keras-compatible deep learning on PyTorch.")
    from lamina.version import __version__

    parser.add_argument("--version", action="version", version=f"lamina {__version__}")
    commands = parser.add_subparsers(dest="command")
    demo = commands.add_parser("demo", help="train the MNIST network on the bundled digits and plot it")
    demo.add_argument("--output", default="lamina_demo_output", help="folder for the plot and the model file")
    demo.add_argument("--epochs", type=int, default=None, help="number of epochs (default: the demo's own)")
    demo.set_defaults(func=_demo)
    run = commands.add_parser("run", help="run an unmodified Keras / TensorFlow program on lamina")
    run.add_argument("script", help="the Python program to run")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the program")
    run.set_defaults(func=_run)
    return parser


def main(argv=None):
    """Entry point of the ``lamina`` console script.

    Example:
        >>> main([])  # doctest: +ELLIPSIS
        usage: lamina ...
        0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
