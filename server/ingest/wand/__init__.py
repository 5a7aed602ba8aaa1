"""Importing classic wand exports as scans, exactly once however often a file comes back."""

from server.ingest.wand.importing import (
    MAX_FILE_BYTES,
    PREVIEW,
    WAND_KINDS,
    Options,
    import_file,
)
from server.ingest.wand.report import Report

__all__ = ["MAX_FILE_BYTES", "PREVIEW", "WAND_KINDS", "Options", "Report", "import_file"]
