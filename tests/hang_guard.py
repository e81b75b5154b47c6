"""How long the suite waits before it calls something hung.

A bound on time in a test only stops a hang; it never measures speed (the benchmark does that,
as a ratio). The suite runs on shared two-core machines where everything may take several times
as long as on a quiet one, so every such bound is this one: ten minutes, ten times the slowest
thing it guards on a quiet machine (the 8 × 200 quick-log load on PostgreSQL took 16 to 47 s).
`tests/test_hang_guards.py` fails on a wait written with its own number.
"""

HANG_GUARD_SECONDS = 600
