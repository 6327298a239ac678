"""Markdown → markdown-it tokens, with pandoc-style fenced divs and citations."""
