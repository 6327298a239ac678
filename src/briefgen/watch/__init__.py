"""``briefgen watch`` and ``briefgen preview``: rebuild the editions a change affects, and
serve them on localhost with automatic reload.

``rebuild.py`` knows which files each edition depends on and rebuilds only those a change
touches; ``changes.py`` turns file-system events (watchfiles) into sets of changed paths;
``server.py`` serves the pages with a small reload script that only served pages carry;
``session.py`` runs the three together until Ctrl-C.
"""
