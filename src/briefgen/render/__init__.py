"""Edition → HTML page → PDF. WeasyPrint is imported in ``render.pdf`` only."""
