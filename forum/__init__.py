"""Forum sections, topics and posts (R-FRM-1); see docs/architecture.md."""
