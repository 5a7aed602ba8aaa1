"""The demo estate, built from the features' public functions."""
