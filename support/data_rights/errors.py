class DataRightsRefused(Exception):
    """A request that may not go ahead now; the message (translated) says why."""
