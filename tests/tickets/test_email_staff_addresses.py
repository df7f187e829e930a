"""A staff address in an inbound email is flagged for the agent (docs/email.md, "Threading").
Each process keeps the staff's addresses in memory: a change to people, their groups or the
teams reaches the very next email, and a new customer changes nothing."""

import itertools
from email.message import EmailMessage

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.models import Team
from support.roles import Role
from support.staff_addresses import VERSION_KEY
from tests.conftest import make_person
from tickets.channels.email import email_receive
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

numbers = itertools.count()


def receive(sender: str, **headers: str) -> Ticket:
    number = next(numbers)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.com"
    message["Subject"] = f"Question {number}"
    message["Message-ID"] = f"<staff-{number}@mail.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Where is my deposit?")
    return email_receive(raw=message.as_bytes())


def warnings(ticket: Ticket) -> list[str]:
    return ticket.messages.get().metadata.get("sender_warnings", [])


def test_a_customer_made_an_agent_is_flagged_from_the_next_email(customer, policy):
    assert warnings(receive(customer.email)) == []
    customer.groups.add(Group.objects.get(name=Role.AGENT))
    assert warnings(receive(customer.email)) == ["staff_from"]


def test_a_person_added_to_a_staff_group_from_the_group_s_side_is_flagged(customer, policy):
    assert warnings(receive("boss@example.com", Reply_To=customer.email)) == []
    Group.objects.get(name=Role.SUPERVISOR).user_set.add(customer)
    assert warnings(receive("boss@example.com", Reply_To=customer.email)) == ["staff_reply_to"]


def test_an_agent_no_longer_staff_writes_as_a_customer(agent, policy):
    assert warnings(receive(agent.email)) == ["staff_from"]
    agent.groups.clear()
    assert warnings(receive(agent.email)) == []


def test_an_agent_s_new_address_is_flagged_and_the_old_one_no_longer(agent, policy):
    assert warnings(receive("agent@example.com")) == ["staff_from"]
    agent.email = "agent.new@example.com"
    agent.save()
    assert warnings(receive("agent.new@example.com")) == ["staff_from"]
    assert warnings(receive("agent@example.com")) == []


def test_a_team_s_new_sending_address_is_flagged(team, policy):
    assert warnings(receive("frontline@example.com")) == []
    team.email_from = "Frontline@Example.com"
    team.save()
    assert warnings(receive("frontline@example.com")) == ["staff_from"]
    team.delete()
    assert warnings(receive("frontline@example.com")) == []


def test_a_new_superuser_is_flagged(customer, policy):
    assert warnings(receive(customer.email)) == []
    User.objects.create_superuser("root@example.com", "root@example.com", "x-long-password")
    assert warnings(receive("root@example.com")) == ["staff_from"]


def test_a_change_made_by_another_process_is_read_on_the_next_email(customer, policy):
    assert warnings(receive(customer.email)) == []
    agents = Group.objects.get(name=Role.AGENT)
    User.groups.through.objects.create(user=customer, group=agents)  # no signal in this process
    cache.set(VERSION_KEY, "changed elsewhere")  # what the other process's change leaves
    assert warnings(receive(customer.email)) == ["staff_from"]


def test_new_customers_and_their_logins_leave_every_process_s_copy_alone(customer, policy):
    receive("first@example.com")
    version = cache.get(VERSION_KEY)
    newcomer = receive("newcomer@example.com").customer
    newcomer.last_name = "Kim"
    newcomer.save(update_fields=["last_name"])
    assert cache.get(VERSION_KEY) == version


def test_an_email_costs_as_many_statements_whatever_the_staff_teams_and_tickets(customer, policy):
    """The staff's addresses come from the process's copy, threading from two indexed reads:
    an email from a known customer takes the same statements with many staff, teams and
    tickets as with none (savepoints included: a test runs inside a transaction)."""
    receive(customer.email)
    with CaptureQueriesContext(connection) as few:
        receive(customer.email, Cc="colleague@example.com")
    for number in range(5):
        make_person(f"agent{number}@example.com", Role.AGENT)
        Team.objects.create(
            slug=f"team-{number}", name=f"Team {number}", email_from=f"t{number}@ex.com"
        )
        receive(customer.email)
    with CaptureQueriesContext(connection) as many:
        receive(customer.email, Cc="colleague@example.com")
    assert len(many) == len(few) <= 18
