"""The shared core: people and roles, text analysis, the exchange adapter, registries."""
