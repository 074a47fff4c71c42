"""xfc's version, in a module of its own.

Phase: support.  Every module that writes the version (SARIF's ``tool.driver``, the
report's generator line, ``xfc version``) imports it from here rather than from the
package root, whose public functions run the application layer: a support module that
imported ``compiler`` would run back up the layers (``.importlinter``).

Codes: none.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
