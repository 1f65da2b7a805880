"""Search: the backend interface, the Whoosh backend and the index worker."""
