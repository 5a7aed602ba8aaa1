"""Finished report documents rendered to PDF (and their charts to SVG), free of the database."""
