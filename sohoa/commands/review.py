"""`sohoa review`, `sohoa edit`, `sohoa show`: metadata review commands (registered on import)."""
