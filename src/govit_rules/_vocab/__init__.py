"""Vocabulary: the project model's facts, the verdict's result models, name suggestions."""
