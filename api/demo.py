"""The api of the demo city."""


def build(city):
    """Filled in by the api work."""
