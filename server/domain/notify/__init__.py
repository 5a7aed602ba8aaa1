"""Notifications in the domain: where alerts are announced, and the outbox of what to announce."""
