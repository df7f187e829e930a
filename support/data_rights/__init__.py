"""A customer's data rights: export, erasure with a second approver, legal holds, retention
sweeps. Each app hands over its part through `support.customer_data`; see
docs/data-protection.md."""
