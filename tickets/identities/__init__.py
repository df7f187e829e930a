"""One customer across channels (docs/channels.md, "One customer across channels"): the email
addresses, phone numbers, Telegram ids and social handles a customer has proved are theirs,
the codes that prove them, and the merging of two customers into one."""
