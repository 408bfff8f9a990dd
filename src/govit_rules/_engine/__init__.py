"""Evaluation: the verdict of a pack for a project, the Rete decider, the monitor."""
