"""The customer 360's complaints panel."""


def customer_complaints(customer, viewer=None) -> list[dict]:
    return []
