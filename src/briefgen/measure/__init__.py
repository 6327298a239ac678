"""Measures of an edition's text: reading level and syllable counts."""
