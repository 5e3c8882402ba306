"""CLI commands that live outside cli.py (registered on `sohoa.cli.app` when imported)."""
