"""Placeholder while being written (engine-training)."""
