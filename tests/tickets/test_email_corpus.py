"""The 115 real mails of Zammad's test suite (tests/data/mail/zammad): every one goes in
without an error, and where Zammad wrote down what it expects, our subject, sender and text
agree with it at least as often as measured (docs/email.md, "Charsets and malformed mail")."""

import pytest

from tests.tickets.email_corpus import corpus_agreements, corpus_mails
from tickets.channels.email import BOUNCE_WITHOUT_TICKET, email_key, email_receive
from tickets.models import Message, RawInbound

# Measured on the 108 mails with an expectation: subject 107, sender 105, text 99.
FLOORS = {"subject": 0.97, "sender": 0.95, "body": 0.90}


def test_every_corpus_mail_goes_in_without_an_error(db, policy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mails = corpus_mails()
    assert len(mails) == 115
    for mail in mails:
        email_receive(raw=mail.read_bytes())
    raws = RawInbound.objects.all()
    assert raws.count() == len({email_key(mail.read_bytes()) for mail in mails})  # 92: some
    # mails are the same message (one Message-ID) in several variants: stored once
    assert not raws.filter(processed_at__isnull=True).exists()
    failures = raws.exclude(error="").exclude(error=BOUNCE_WITHOUT_TICKET)
    assert list(failures.values_list("key", "error")) == []
    bounces = (
        raws.filter(error=BOUNCE_WITHOUT_TICKET).count()
        + Message.objects.filter(kind=Message.Kind.NOTE).count()
    )
    assert bounces == 8  # the delivery status notifications: never a ticket
    customer_messages = Message.objects.filter(kind=Message.Kind.CUSTOMER).count()
    assert customer_messages == raws.count() - bounces


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_subject_sender_and_text_agree_with_zammads_expectations(field):
    agreements = corpus_agreements()
    assert len(agreements) == 108
    agreed = sum(getattr(found, field) for found in agreements.values())
    assert agreed / len(agreements) >= FLOORS[field]
