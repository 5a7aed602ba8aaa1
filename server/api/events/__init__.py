"""The scan log API: what handhelds reported."""
