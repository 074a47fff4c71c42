"""Hostile inputs, one class per module (issue 12): see harness.py and docs/robustness.md."""
