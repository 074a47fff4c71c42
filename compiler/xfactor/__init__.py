"""The X-factor profile: process traits, wirings, chains and the on_failure step language.

Phase: normalize (:mod:`.normalize`, :mod:`.steps`) and what follows the graph
(:mod:`.simulate`); the model is :mod:`.model`.  Each module's docstring gives its input,
output and codes; this package module holds nothing itself.  Codes: none here.
"""
