"""Ingest pipeline: what a file really is, whether it may be archived, and what it holds."""

from archive.ingest.filenames import sanitize_filename
from archive.ingest.formats import ALLOWED_FORMATS
from archive.ingest.mail import Bijlage
from archive.ingest.pipeline import Inspectie, inspect_file

__all__ = ["ALLOWED_FORMATS", "Bijlage", "Inspectie", "inspect_file", "sanitize_filename"]
