"""scanners."""
