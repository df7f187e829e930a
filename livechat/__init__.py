"""Live chat over websockets: the bot answers first, a human takes over."""
