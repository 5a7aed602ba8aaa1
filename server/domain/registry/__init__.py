"""The registry: organizations, sites, zones, checkpoints, assets, people, handhelds, tags."""
