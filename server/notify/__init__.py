"""Notifications: delivery channels and their retry schedule (the outbox comes later)."""
