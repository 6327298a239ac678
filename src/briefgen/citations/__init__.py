"""Citations: pandoc syntax in Markdown → numbered (or author-date) marks and a source list."""
