"""Test support: real-tool validators (validators.py) and the CRDs they use (crds/)."""
