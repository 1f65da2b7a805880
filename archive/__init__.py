"""The records core: zaken, documents, betrokkenen, users, audit, blob store and ingest."""
