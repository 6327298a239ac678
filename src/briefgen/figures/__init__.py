"""Numbered figures and tables: captions, tables from CSV data, numbering per edition and
cross-references (``@fig-x``, ``@tbl-x``, ``@sec-x``, ``[-@fig-x]``), in pandoc/Quarto syntax.

Parsing (:mod:`.markdown_rules`) turns captioned images, captioned pipe tables and
```` ```{.table} ```` blocks into ``figure`` tokens and cross-references into ``crossref``
tokens; each edition numbers its floats in reading order after its audience blocks are applied
(:mod:`.numbering`); rendering prints the numbers and the links (:mod:`.render`).
"""
