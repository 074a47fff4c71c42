"""The exceptions of the library API: the only ones :mod:`compiler` raises on purpose.

Phase: public API.  Bad *input* never raises: it ends in diagnostics in the returned
result.  An exception means the *caller* or *xfc* is at fault:

* :class:`OptionsError` — the :class:`compiler.Options` are invalid (an unknown emitter
  or target, a namespace that is not a DNS-1123 label).  Its message names the
  ``Options`` field, not a command-line flag; it is also a ``ValueError``.
* :class:`PluginError` — a back-end plugin cannot be loaded or does not implement its
  protocol.
* :class:`InternalError` — a bug in xfc (a self-check failed, or an unexpected exception
  escaped a phase; the original is chained as ``__cause__``).

All three derive from :class:`XfcError`, so ``except compiler.XfcError`` catches every one.
The command line maps them to exit codes 2 (options) and 3 (plugin, internal).

Codes: none (exceptions, not diagnostics).
"""

from __future__ import annotations


class XfcError(Exception):
    """Base of every exception the library API raises."""


class OptionsError(XfcError, ValueError):
    """The caller's options are invalid; the message names the ``Options`` field."""


class PluginError(XfcError):
    """A plugin cannot be loaded, does not implement its protocol, or takes a used name."""


class InternalError(XfcError):
    """A bug in xfc, never bad input."""


__all__ = ["InternalError", "OptionsError", "PluginError", "XfcError"]
