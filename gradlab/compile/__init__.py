"""How gradlab gets fast: fetches compiled into flat plans of numpy calls (optional reading).

:mod:`.plan` turns a fetch set into a list of steps (merging duplicates, dropping shape
bookkeeping once shapes are known) and writes them out as one Python function;
:mod:`.optimize` holds the passes that make those steps fewer and cheaper. Everything
here must agree with the core's reference evaluator (:mod:`gradlab.core.evaluate`).
"""
