"""Back ends: turn the resolved IR (Topology, XModel, Plan) into output files.

Phase: emit.  Each sub-package exposes an ``EMITTER`` (see :mod:`compiler.plugins`)
whose ``emit(unit, diags)`` builds plain-data view models from the IR, turns them into
YAML text with :mod:`compiler.yamlout` (the one writer, which also checks that the text
reads back as the view model), and returns :class:`compiler.model.OutputFile`
objects.  Emitters never write to disk.  Input: a clean
:class:`compiler.pipeline.Compilation`.  Output: the files.

Codes: none here; each back end's docstring lists its own.
"""
