"""TOSCA scalar-unit values: moved to :mod:`compiler.units`, re-exported here.

Phase: resolve.  The module lives outside ``compiler.resolve`` so that the back ends can
use it without importing the resolver; this name stays for existing imports.

Codes: none.
"""

from ..units import *  # noqa: F401,F403
from ..units import __all__  # noqa: F401
