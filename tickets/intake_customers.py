"""A new customer made for an inbound message from an address we do not know: the account
(no usable password), the customer role and the profile, in one statement.

Most inbound email comes from people who never wrote before, so this runs for nearly every
message of a surge. Through the ORM it took three statements and about 0.4 ms of CPU (each
insert built anew); here the values are still the models' own (each field's default and its
conversion for the database, as `Model.save()` takes them) and the model signals are sent
(pre_save before the statement, post_save after), but the statement is written once.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

from support.models import CustomerProfile
from support.roles import Role


def customer_create(*, email: str, language: str) -> AbstractBaseUser | None:
    """The new customer of `email` with their role and profile (in `language`); None when an
    account of that name was made meanwhile (a concurrent message from the same address:
    the caller reads it)."""
    User = get_user_model()
    user = User(username=User.normalize_username(email), email=email)
    user.set_unusable_password()
    profile = CustomerProfile(preferred_language=language)
    for instance in (user, profile):
        pre_save.send(sender=type(instance), instance=instance, raw=False, using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(_statement(), [*_values(user), Role.CUSTOMER, *_values(profile)[1:]])
        made = cursor.fetchone()
    if made is None:
        return None
    user.pk, profile.pk = made
    for instance in (user, profile):
        instance._state.adding, instance._state.db = False, connection.alias
    user.customer_profile = profile  # profile.user_id too, as select_related() leaves them
    for instance in (user, profile):
        post_save.send(
            sender=type(instance),
            instance=instance,
            created=True,
            update_fields=None,
            raw=False,
            using=connection.alias,
        )
    return user


def _fields(model: type[Model]) -> list:
    """The columns an insert names: every concrete field but the generated primary key, the
    profile's user first."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    return sorted(fields, key=lambda field: field.name != "user")


def _values(instance: Model) -> list:
    return [
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for field in _fields(type(instance))
    ]


# The account (unless its name is taken), its role by the group's name, and the profile for
# its id; returns (account id, profile id), or no row when the name was taken.
STATEMENT = """
    WITH person AS (
        INSERT INTO {users} ({user_columns}) VALUES ({user_values})
        ON CONFLICT ({username}) DO NOTHING RETURNING id
    ), role AS (
        INSERT INTO {memberships} (user_id, group_id)
        SELECT person.id, {groups}.id FROM person, {groups} WHERE {groups}.name = %s
    )
    INSERT INTO {profiles} ({profile_columns})
    SELECT person.id, {profile_values} FROM person RETURNING user_id, id
"""


@functools.cache
def _statement() -> str:
    """STATEMENT with the models' table and column names (every value is a parameter)."""
    User = get_user_model()
    quote = connection.ops.quote_name
    user_fields, profile_fields = _fields(User), _fields(CustomerProfile)
    return STATEMENT.format(
        users=quote(User._meta.db_table),
        user_columns=", ".join(quote(field.column) for field in user_fields),
        user_values=", ".join(["%s"] * len(user_fields)),
        username=quote(User._meta.get_field("username").column),
        memberships=quote(User.groups.through._meta.db_table),
        groups=quote(Group._meta.db_table),
        profiles=quote(CustomerProfile._meta.db_table),
        profile_columns=", ".join(quote(field.column) for field in profile_fields),
        profile_values=", ".join(["%s"] * (len(profile_fields) - 1)),  # the user: person.id
    )
