"""Synthetic scans of Vietnamese administrative documents with exact ground truth.

See samples/README.md; the API is in samples.generate.
"""
