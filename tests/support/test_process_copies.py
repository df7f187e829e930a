"""Copies of rarely changed rows kept in each process (support.process_copies): inside
`process_copies_read_together` the versions are read once, in one round trip, for all copies;
a change made elsewhere meanwhile is seen by the next block, one made here at once."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from support.process_copies import process_copies_read_together
from support.roles import Role
from support.staff_addresses import VERSION_KEY as STAFF_VERSION_KEY
from support.staff_addresses import is_staff_address
from tests.conftest import make_person
from tickets.policy_cache import VERSION_KEY as POLICIES_VERSION_KEY
from tickets.policy_cache import sla_policies

pytestmark = pytest.mark.django_db


def test_a_block_reads_every_version_at_its_first_use_and_keeps_them():
    customer = make_person("kim@example.com", Role.CUSTOMER)
    agents = Group.objects.get(name=Role.AGENT)
    with process_copies_read_together():
        assert not is_staff_address("kim@example.com")  # every copy's version read here
        User.groups.through.objects.create(user=customer, group=agents)  # no signal here
        cache.set(STAFF_VERSION_KEY, "changed elsewhere")
        cache.set(POLICIES_VERSION_KEY, "changed elsewhere too")
        assert not is_staff_address("kim@example.com")  # the versions read at the start
        sla_policies()  # a copy used first now: its version was read with the others
        assert cache.get(POLICIES_VERSION_KEY) == "changed elsewhere too"

    with process_copies_read_together():
        assert is_staff_address("kim@example.com")  # the next block reads them again
    assert is_staff_address("kim@example.com")


def test_a_change_made_in_this_process_is_seen_inside_the_block():
    customer = make_person("lee@example.com", Role.CUSTOMER)
    with process_copies_read_together():
        assert not is_staff_address("lee@example.com")
        customer.groups.add(Group.objects.get(name=Role.SUPERVISOR))  # the signal: changed()
        assert is_staff_address("lee@example.com")


def test_outside_a_block_each_use_reads_its_version():
    customer = make_person("park@example.com", Role.CUSTOMER)
    assert not is_staff_address("park@example.com")
    User.groups.through.objects.create(user=customer, group=Group.objects.get(name=Role.AGENT))
    cache.set(STAFF_VERSION_KEY, "changed elsewhere")
    assert is_staff_address("park@example.com")


def test_blocks_nest_and_the_outer_one_keeps_its_versions():
    customer = make_person("cho@example.com", Role.CUSTOMER)
    with process_copies_read_together():
        assert not is_staff_address("cho@example.com")
        User.groups.through.objects.create(user=customer, group=Group.objects.get(name=Role.AGENT))
        cache.set(STAFF_VERSION_KEY, "changed elsewhere")
        with process_copies_read_together():
            assert not is_staff_address("cho@example.com")
        assert not is_staff_address("cho@example.com")
    assert is_staff_address("cho@example.com")
