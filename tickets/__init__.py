"""Tickets: one record for every channel, SLA clocks, routing, escalation, the agent console."""
