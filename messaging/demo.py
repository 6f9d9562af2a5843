"""The messaging of the demo city."""


def build(city):
    """Filled in by the messaging work."""
