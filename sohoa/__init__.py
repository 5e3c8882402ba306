"""sohoa: turn scanned papers of a Vietnamese one-stop shop into signed, searchable PDF/A records."""

__version__ = "0.1.0"
