"""briefgen: compile reusable Markdown sections and one references.bib into policy briefs,
an HTML page and a PDF per audience."""

__version__ = "0.1.0"
