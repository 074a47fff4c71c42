"""``python -m compiler``: the ``xfc`` command line (:func:`compiler.cli.main`).

Phase: CLI.  Input: the process arguments.  Output: the exit code.  Codes: none.
"""

from .cli import main
import sys
sys.exit(main())
