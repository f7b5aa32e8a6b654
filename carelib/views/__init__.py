"""The sections of the report pages as views: small public functions from tables to data.

A view (:class:`carelib.blocks.View`) says what a section finds and shows it: sentences,
figures with their alt text and the table behind each, notes and links. It displays
itself in JupyterLab and in the exported page through its templates. The workforce
page's views are in :mod:`carelib.views.workforce` (``from carelib.views import
workforce as views``).
"""
