"""Load a brief project from disk into typed models (the first stage)."""
