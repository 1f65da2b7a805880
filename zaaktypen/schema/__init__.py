"""The published JSON Schema of the catalogue exchange format (package data)."""
