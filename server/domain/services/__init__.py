"""Domain services: they flush, never commit; the caller owns the transaction."""
