"""Incidents and shift notes from the handhelds, as supervisors read them."""
