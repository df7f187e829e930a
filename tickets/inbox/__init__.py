"""The agents' inbox (docs/console.md, "Inbox"): views and filters over the tickets an agent may
see, saved views, bulk actions, customer search and the customer page; the chats come from the
chat app through support.registry."""
