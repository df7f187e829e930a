"""The phone channel: calls agents log or a telephony service reports (tickets/phone/webhook.py),
and callback requests with their own queue and SLA. See docs/channels.md, "Phone"."""
