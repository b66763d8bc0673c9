"""Trainer classes (TRL subclasses) that the thin scripts in trainers/ launch."""
