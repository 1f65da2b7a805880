"""Web: the Flask app factory, the UI, the JSON API and the CLI."""
