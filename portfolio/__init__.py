"""Pupil and teacher portfolios (R-RES-2, R-RES-3); see docs/architecture.md."""
