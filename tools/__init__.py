"""Supply-chain tooling run by make: the lock (lock.py) and the vulnerability audit (audit.py)."""
