"""Tools shared by the test suite and the benchmarks.

Live gunicorn servers (live.py), crash drills (drills.py), factories (factories.py).
Nothing else in server/ imports it.
"""
