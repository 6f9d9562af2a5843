"""Announcements with audiences (R-ANN-1); see docs/architecture.md."""
