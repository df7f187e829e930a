"""A customer with data in every app, made through the real entry points where there is one
(an email through the email channel, a complaint through its service, an export through the
portal), for the data-rights tests."""

from dataclasses import dataclass
from email.message import EmailMessage

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from complaints.models import Complaint, Stage
from complaints.services import complaint_submit
from livechat.models import ChatAttachment, ChatMessage, Conversation
from support.roles import Role
from tests.conftest import make_person
from tickets.channels.email import email_receive
from tickets.models import Ticket
from tickets.phone.models import CallbackRequest, CustomerPhone
from tickets.survey_models import SurveyAnswer, SurveyInvitation

User = get_user_model()


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str
    phone: str
    phone_e164: str
    address: str  # a Bitcoin address of theirs
    ip: str
    account: str

    def needles(self) -> dict[str, str]:
        return {
            "email": self.email,
            "first name": self.first_name,
            "last name": self.last_name,
            "phone": self.phone,
            "phone (E.164)": self.phone_e164,
            "crypto address": self.address,
            "IP address": self.ip,
            "exchange account": self.account,
        }


MIREILLE = Person(
    email="mireille.okonkwo@example.org",
    first_name="Mireille",
    last_name="Okonkwo",
    phone="+44 7700 900417",
    phone_e164="+447700900417",
    address="bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    ip="203.0.113.77",
    account="EX-77310",
)
BRUNO = Person(
    email="bruno.valcourt@example.net",
    first_name="Bruno",
    last_name="Valcourt",
    phone="+33 6 12 34 56 78",
    phone_e164="+33612345678",
    address="1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    ip="198.51.100.23",
    account="EX-55120",
)


def make_customer(person: Person):
    customer = make_person(
        person.email, Role.CUSTOMER, preferred_language="en", exchange_account_id=person.account
    )
    User.objects.filter(pk=customer.pk).update(
        first_name=person.first_name, last_name=person.last_name
    )
    customer.refresh_from_db()
    return customer


def raw_email(person: Person, *, subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"{person.first_name} {person.last_name} <{person.email}>"
    message["To"] = "support@exchange.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{person.last_name.lower()}-1@example.org>"
    message.set_content(
        f"Hello, I am {person.first_name} {person.last_name}. My deposit to {person.address} "
        f"has not arrived. Call me on {person.phone}."
    )
    message.add_attachment(
        f"Statement for {person.first_name} {person.last_name}, wallet {person.address}".encode(),
        maintype="text",
        subtype="plain",
        filename="statement.txt",
    )
    return message.as_bytes()


def give_data(person: Person, customer) -> dict:
    """A ticket by email (raw copy, message, attachment, acknowledgement), a chat with a file
    and the customer's address, a complaint (closed), a survey answer."""
    ticket = email_receive(raw=raw_email(person, subject=f"Deposit missing - {person.last_name}"))
    assert ticket is not None and ticket.customer_id == customer.pk
    chat = Conversation.objects.create(
        customer=customer, guest_address=person.ip, language="en", rating_comment="thanks"
    )
    said = ChatMessage.objects.create(
        conversation=chat,
        sender="customer",
        author=customer,
        body=f"{person.first_name} here, my phone is {person.phone}",
    )
    ChatAttachment.objects.create(
        message=said,
        file=ContentFile(f"screenshot of {person.address}".encode(), name="shot.png"),
        name="shot.png",
        content_type="image/png",
        size=10,
    )
    complaint = complaint_submit(
        customer=customer,
        category="transfer_delay",
        description=f"{person.first_name} {person.last_name} complains: deposit to "
        f"{person.address} is late. Phone {person.phone}.",
        desired_outcome="Credit the deposit.",
    )
    invitation = SurveyInvitation.objects.create(
        ticket=ticket,
        customer=customer,
        email=person.email,
        channel=ticket.channel,
        language="en",
        send_at=timezone.now(),
    )
    SurveyAnswer.objects.create(
        invitation=invitation,
        ticket=ticket,
        channel=ticket.channel,
        language="en",
        score=2,
        comment=f"Slow. — {person.first_name} {person.last_name}",
    )
    CustomerPhone.objects.create(
        customer=customer, number=person.phone_e164, source=CustomerPhone.Source.CALLBACK
    )
    CallbackRequest.objects.create(
        customer=customer,
        number=person.phone_e164,
        language="en",
        topic="deposit_withdrawal",
        details=f"Call {person.first_name} about the deposit",
        due_at=timezone.now(),
        warn_at=timezone.now(),
    )
    return {"ticket": ticket, "chat": chat, "complaint": complaint}


def close_complaints(customer) -> None:
    Complaint.objects.filter(customer=customer).update(stage=Stage.CLOSED, closed_at=timezone.now())


def ticket_count(customer) -> int:
    return Ticket.objects.filter(customer=customer).count()
