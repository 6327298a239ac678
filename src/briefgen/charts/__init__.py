"""Charts from data: a fenced ```` ```{.chart #fig-id} ```` block holding a small declarative spec.

The stages, in order: :mod:`~briefgen.charts.spec` reads the YAML spec (every key checked, any
URL refused, each problem at its line); :mod:`~briefgen.charts.markdown_rule` turns the fence
into a numbered figure in the token stream; :mod:`~briefgen.charts.data` reads the CSV or JSON
file the spec names (inside the project, within the size limit, each bad row at its line);
:mod:`~briefgen.charts.vega` draws it with Vega-Lite (vl-convert, offline) in the edition's
fonts, colours and language, cached by content; :mod:`~briefgen.charts.html` writes the chart
and the table of its data into the page.
"""
