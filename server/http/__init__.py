"""What every HTTP front shares: the per-request session, request ids, the acting user."""
