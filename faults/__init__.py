"""Fault runs against a private stack (make faults; python -m faults --help)."""
