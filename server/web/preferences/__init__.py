"""My notifications: how each person is told of alerts (their own; anyone's for an admin)."""
