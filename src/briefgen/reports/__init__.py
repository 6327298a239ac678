"""Reports about a brief's editions side by side: the tailoring matrix and section diffs."""
