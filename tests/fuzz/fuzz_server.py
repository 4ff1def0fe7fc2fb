"""Imported once by the fuzz harness's fork server (see ``fuzz_oracle.isolated``): the package and its readers
imported and warmed, and the strategies' modules, whose functions the examples' actions call, so that every
example's child starts warm."""

import fuzz_oracle
import test_fuzz_inputs  # noqa: F401
import test_fuzz_tables  # noqa: F401

fuzz_oracle.warm()
