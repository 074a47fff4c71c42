"""The verbs of the ``xfc`` command line, one module each (see compiler.cli).

Phase: CLI.  Each module exposes ``HELP``, ``add_arguments(parser)`` and
``run(args, out) -> int`` (the exit code).  Codes: none of their own; the verbs print
the diagnostics of the phases they run.
"""
