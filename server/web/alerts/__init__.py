"""The alert queue and an alert's page: see what went wrong, why, and close it."""
