"""Back ends: turn the resolved IR (Topology, XModel, Plan) into output files.

Phase: emit.  Each sub-package exposes an ``EMITTER`` (see :mod:`compiler.plugins`)
whose ``emit(unit, diags)`` builds plain-data view models from the IR, renders them
through the jinja2 templates under ``templates/<back end>/`` and returns
:class:`compiler.model.OutputFile` objects.  Emitters never write to disk.
"""
