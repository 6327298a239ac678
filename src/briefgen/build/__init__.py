"""Building editions: select, plan (with the build cache), assemble, render and write.

The stages are modules here; :mod:`briefgen.build.pipeline` runs them in order.
"""
