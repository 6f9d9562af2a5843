"""The forum of the demo city."""


def build(city):
    """Filled in by the forum work."""
