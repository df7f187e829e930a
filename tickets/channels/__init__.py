"""Channel adapters: each turns its input into an InboundMessage and calls intake_message."""
