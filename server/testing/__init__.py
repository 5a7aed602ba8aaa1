"""Tools shared by the test suite and the benchmarks.

Live gunicorn servers (live.py), crash drills (drills.py), factories (factories.py), the small
world of two tenants (world.py), the fuzzer (fuzz.py) and the hostile input it makes on purpose
(hostile.py), detection truth (truth/). Nothing else in server/ imports it.
"""
