"""Deposits and withdrawals beside a ticket: the customer's recent ones (customer 360), and the
ones matching a transaction hash or address an agent pastes or the ticket's text names.

Every lookup is made in the ticket customer's own exchange account, so a hash or address of
another customer's transfer finds nothing. Never a 500: no linked account, an unknown account
or the back office down each become a notice.
"""

import logging
import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from support.exchange import AccountNotFound, ExchangeError, Transfer, get_exchange
from support.exchange.explorers import explorer_url
from support.exchange.labels import transfer_kind_label, transfer_status_label, transfer_status_tone
from support.text.entities import find_entities
from tickets.models import Message, Ticket

logger = logging.getLogger(__name__)

LOOKUP_MAX_LENGTH = 200
TEXT_MESSAGES = 20  # the latest customer messages searched for hashes and addresses
VALUES_PER_KIND = 10
# Something that may be a hash or an address on a chain our entity finder does not know
# (an XRP or Litecoin address, a hash without 0x): looked up as both.
TOKEN_RE = re.compile(r"^(?:0[xX])?[0-9A-Za-z]{20,130}$")


@dataclass(frozen=True)
class TransferRow:
    """A transfer as the console shows it: translated labels and explorer links. Its other
    attributes are the transfer's (`row.amount`, `row.tx_hash`)."""

    transfer: Transfer
    kind_label: str
    status_label: str
    tone: str
    tx_url: str
    address_url: str

    def __getattr__(self, name: str):
        return getattr(self.transfer, name)

    @property
    def can_release(self) -> bool:
        return self.transfer.kind == "withdrawal" and self.transfer.status == "held"

    @property
    def has_fee(self) -> bool:
        return self.transfer.kind == "withdrawal" and self.transfer.fee > 0


def transfer_row(transfer: Transfer) -> TransferRow:
    return TransferRow(
        transfer=transfer,
        kind_label=transfer_kind_label(transfer.kind),
        status_label=transfer_status_label(transfer.status),
        tone=transfer_status_tone(transfer.status),
        tx_url=explorer_url(transfer.network, tx_hash=transfer.tx_hash),
        address_url=explorer_url(transfer.network, address=transfer.address),
    )


@dataclass
class Lookup:
    query: str = ""
    named: list[dict] | None = None  # hashes and addresses found in the ticket's text
    rows: list[TransferRow] | None = None
    notice: str = ""
    searched: bool = False


def ticket_transfer_lookup(*, ticket: Ticket, user: AbstractBaseUser, query: str = "") -> Lookup:
    """The customer's transfers matching `query` or the hashes and addresses in the ticket."""
    lookup = Lookup(query=query.strip()[:LOOKUP_MAX_LENGTH], named=ticket_named_values(ticket))
    if not user.has_perm("support.view_customer_account"):
        return lookup
    tx_hashes, addresses = _values(lookup.named)
    if lookup.query:
        pasted = query_values(lookup.query)
        if pasted is None:
            lookup.notice = _("Paste one transaction hash or address.")
            return lookup
        tx_hashes, addresses = tx_hashes + pasted[0], addresses + pasted[1]
    if tx_hashes or addresses:
        _search(lookup, ticket, tx_hashes[:VALUES_PER_KIND], addresses[:VALUES_PER_KIND])
    return lookup


def ticket_named_values(ticket: Ticket) -> list[dict]:
    """The transaction hashes and addresses in the subject and latest customer messages."""
    bodies = Message.objects.filter(ticket=ticket, kind=Message.Kind.CUSTOMER).order_by("-id")
    text = "\n".join([ticket.subject, *bodies.values_list("body", flat=True)[:TEXT_MESSAGES]])
    return [
        {"kind": entity.kind, "value": entity.value}
        for entity in find_entities(text)
        if entity.kind in ("tx_hash", "address")
    ]


def query_values(query: str) -> tuple[list[str], list[str]] | None:
    """(hashes, addresses) in what an agent pasted; None when it is neither."""
    entities = [entity for entity in find_entities(query) if entity.kind in ("tx_hash", "address")]
    if entities:
        return _values([{"kind": entity.kind, "value": entity.value} for entity in entities])
    if TOKEN_RE.match(query):
        return [query], [query]
    return None


def _values(named: list[dict]) -> tuple[list[str], list[str]]:
    tx_hashes = [item["value"] for item in named if item["kind"] == "tx_hash"]
    addresses = [item["value"] for item in named if item["kind"] == "address"]
    return tx_hashes, addresses


def _search(lookup: Lookup, ticket: Ticket, tx_hashes: list[str], addresses: list[str]) -> None:
    profile = getattr(ticket.customer, "customer_profile", None)
    account_id = profile.exchange_account_id if profile else None
    lookup.searched = True
    if not account_id:
        lookup.notice = _("No exchange account is linked to this customer.")
        return
    try:
        found = get_exchange().find_transfers(account_id, tx_hashes=tx_hashes, addresses=addresses)
    except AccountNotFound:
        lookup.notice = _("The exchange has no account %(id)s.") % {"id": account_id}
        return
    except ExchangeError:
        logger.warning("exchange unavailable for a transfer lookup", exc_info=True)
        lookup.notice = _("The exchange's back office is not answering; try again shortly.")
        return
    lookup.rows = [transfer_row(transfer) for transfer in found]
