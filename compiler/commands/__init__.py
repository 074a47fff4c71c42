"""The verbs of the ``xfc`` command line, one module each (see compiler.cli)."""
