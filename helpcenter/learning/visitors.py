"""Who a reader is, for counting distinct readers: a keyed hash of their network, no address.

A visitor is the client as the throttles count it (`support.throttle.client_key`): an IPv4
address or an IPv6 /64, whoever is signed in. Not the session (clearing cookies makes a new
one at no cost) nor the account (a new one takes an email address): one person with one
connection counts once, however many sessions or accounts they use. Readers behind one
address (an office, a carrier's NAT) count as one, which only makes the learning slower.
The hash is keyed with the secret key, so the stored value cannot be turned back into an
address by hashing every IPv4 address.
"""

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from support.client import client_address
from support.throttle import client_key

VISITOR_CHARS = 20  # 80 bits: no two readers of one help center share one by chance


def visitor_key(request: HttpRequest) -> str:
    """The request's visitor, hashed; "" when the server was given no client address."""
    address = client_address(request)
    if not address:
        return ""
    digest = salted_hmac("helpcenter.learning.visitor", client_key(address)).hexdigest()
    return digest[:VISITOR_CHARS]
