"""``briefgen check``: every brief × audience edition checked without writing anything.

``run.py`` runs the build stages up to the HTML page, then one module per rule family
(``citations``, ``evidence``, ``audience_fit``, ``structure``) adds its findings; ``rules.py``
lists every rule id; ``report.py`` turns findings into text, JSON or GitHub annotations.
"""
