"""Property-based and schema-driven fuzzing: reproducible (derandomized, no
example database) and bounded, so that it runs on every push.

To hunt further locally, ``FUZZ_SCALE=20`` multiplies every test's examples
and draws new ones on each run (not derandomized).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def fuzz_settings(max_examples: int) -> settings:
    """Hypothesis settings of the fuzz suite: ``max_examples``, same examples
    on every run, no deadline (shared CI machines), fixtures shared by the
    examples of a test (they only read)."""
    scale = int(os.environ.get("FUZZ_SCALE", "0") or 0)
    return settings(
        max_examples=max_examples * max(scale, 1),
        derandomize=not scale,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
