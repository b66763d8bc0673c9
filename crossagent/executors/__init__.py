"""Executors: turn one parsed high-level action into raw ticks, one executor per action space."""
