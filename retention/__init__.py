"""Retention and archiving: archiefactiedatum, exceptions, destruction lists, transfer."""
