"""Reads across the features for the people who review them: a site's day at a glance."""
