"""The ticket's history as the console shows it: each event a whole sentence in the reader's
language ("Status changed from New to Waiting on customer by Kim Minji").

Event rows keep codes (`status`, `new → pending`) so they stay a stable audit record; only this
module turns them into words. Field names and values are translated here; names of people,
teams and SLA policies are data and shown as they are; a field this module does not know gets a
translated generic sentence, never its code.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from support.assets import asset_amount
from support.display import display_name
from tickets.models import Event, Priority, RemediationAction, SlaTarget, Status, Ticket
from tickets.phone.timeline import call_sentence, call_started_sentence
from tickets.selectors import timeline

Sentence = Callable[[Event, dict[str, str]], str]


def console_timeline(ticket: Ticket, *, language: str) -> list[dict]:
    """The console's timeline (tickets.selectors.timeline) with a sentence for each event."""
    entries = timeline(ticket)
    events = [entry["event"] for entry in entries if entry["kind"] == "event"]
    people = people_names(events)
    for entry in entries:
        if entry["kind"] == "event":
            entry["sentence"] = event_sentence(entry["event"], language, people=people)
    return entries


def people_names(events: list[Event]) -> dict[str, str]:
    """Names for the people events record by username (assignees), in one query."""
    usernames = {
        value
        for event in events
        if event.field == "assignee"
        for value in (event.before, event.after)
    } - {""}
    users = get_user_model().objects.filter(username__in=usernames)
    return {user.username: person_name(user) for user in users}


def person_name(user: AbstractBaseUser) -> str:
    return display_name(user.get_full_name() or user.email or user.get_username())


def actor_name(user: AbstractBaseUser | None) -> str:
    """Who made the change, as a sentence names them: a person's name takes the language's
    polite form ("Kim 님", "Sato さん"), which a change by the system does not."""
    if user is None:
        return pgettext("event actor", "the system")
    return pgettext("event actor", "%(name)s") % {"name": person_name(user)}


def event_sentence(
    event: Event, viewer_language: str, *, people: Mapping[str, str] | None = None
) -> str:
    """One event as a sentence in `viewer_language`."""
    with translation.override(viewer_language):
        values = {
            "actor": actor_name(event.actor),
            "before": event.before,
            "after": event.after,
        }
        if event.field in PEOPLE_FIELDS:
            names = people or {}
            values["before"] = names.get(event.before, display_name(event.before))
            values["after"] = names.get(event.after, display_name(event.after))
        describe = SENTENCES.get(event.field)
        if describe is None and event.field.startswith("remediation_"):
            describe = _remediation
        return (describe or _unknown)(event, values)


# --- Values -------------------------------------------------------------------------------------


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of a choice; a value the choices do not hold is not shown raw."""
    if value in choices.values:
        return str(choices(value).label)
    return pgettext("unknown value", "another value")


def moment(value: str) -> str:
    """A stored ISO time in the active language's short format, in the display time zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return pgettext("unknown value", "another time")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return formats.date_format(timezone.localtime(parsed), "SHORT_DATETIME_FORMAT")


def tag_list(value: str) -> list[str]:
    return [tag for tag in value.split(",") if tag]


def _joined(items: list[str]) -> str:
    return pgettext("list separator", ", ").join(items)


# --- Sentences, one function per field ---------------------------------------------------------


def _changed(
    values: dict[str, str], *, changed: str, set_: str, cleared: str, nothing: str = ""
) -> str:
    """The sentence for a change, a first value, or a value removed."""
    if values["before"] and values["after"]:
        return changed % values
    if values["after"]:
        return set_ % values
    if values["before"]:
        return cleared % values
    return (nothing or _("The ticket was updated by %(actor)s.")) % values


def _status(event: Event, values: dict[str, str]) -> str:
    values["before"] = choice_label(Status, event.before) if event.before else ""
    values["after"] = choice_label(Status, event.after) if event.after else ""
    return _changed(
        values,
        changed=_("Status changed from %(before)s to %(after)s by %(actor)s."),
        set_=_("Status set to %(after)s by %(actor)s."),
        cleared=_("Status %(before)s cleared by %(actor)s."),
    )


def _priority(event: Event, values: dict[str, str]) -> str:
    values["before"] = choice_label(Priority, event.before) if event.before else ""
    values["after"] = choice_label(Priority, event.after) if event.after else ""
    return _changed(
        values,
        changed=_("Priority changed from %(before)s to %(after)s by %(actor)s."),
        set_=_("Priority set to %(after)s by %(actor)s."),
        cleared=_("Priority %(before)s cleared by %(actor)s."),
    )


def _sla_policy(event: Event, values: dict[str, str]) -> str:
    return _changed(
        values,
        changed=_("SLA policy changed from %(before)s to %(after)s by %(actor)s."),
        set_=_("SLA policy %(after)s applied by %(actor)s."),
        cleared=_("SLA policy %(before)s removed by %(actor)s."),
        nothing=_("No SLA policy applies to this ticket."),
    )


def _resolution_due(event: Event, values: dict[str, str]) -> str:
    values["before"] = moment(event.before) if event.before else ""
    values["after"] = moment(event.after) if event.after else ""
    return _changed(
        values,
        changed=_("Resolution due time moved from %(before)s to %(after)s by %(actor)s."),
        set_=_("Resolution due time set to %(after)s by %(actor)s."),
        cleared=_("Resolution due time cleared by %(actor)s."),
    )


def _tags(event: Event, values: dict[str, str]) -> str:
    before, after = tag_list(event.before), tag_list(event.after)
    added = [tag for tag in after if tag not in before]
    removed = [tag for tag in before if tag not in after]
    if added and not removed:
        return _("Tags added by %(actor)s: %(tags)s.") % {**values, "tags": _joined(added)}
    if removed and not added:
        return _("Tags removed by %(actor)s: %(tags)s.") % {**values, "tags": _joined(removed)}
    values.update(before=_joined(before), after=_joined(after))
    return _("Tags changed from %(before)s to %(after)s by %(actor)s.") % values


def _assignee(event: Event, values: dict[str, str]) -> str:
    return _changed(
        values,
        changed=_("Reassigned from %(before)s to %(after)s by %(actor)s."),
        set_=_("Assigned to %(after)s by %(actor)s."),
        cleared=_("Unassigned from %(before)s by %(actor)s."),
    )


def _team(event: Event, values: dict[str, str]) -> str:
    return _changed(
        values,
        changed=_("Moved from the team %(before)s to the team %(after)s by %(actor)s."),
        set_=_("Moved to the team %(after)s by %(actor)s."),
        cleared=_("Removed from the team %(before)s by %(actor)s."),
    )


def _satisfaction_score(event: Event, values: dict[str, str]) -> str:
    return _changed(
        values,
        changed=_("Rating changed from %(before)s to %(after)s out of 5 by %(actor)s."),
        set_=_("Rated %(after)s out of 5 by %(actor)s."),
        cleared=_("Rating removed by %(actor)s."),
    )


def _reference(value: str) -> str:
    """A ticket recorded as "T-001000 Subject" (its str) or as its reference: the reference."""
    return value.split(" ", 1)[0]


def _link(message: Promise, value: str) -> Sentence:
    """A sentence about another ticket named in `value` ("before" or "after"); `message` is
    lazy, translated when the sentence is made."""

    def sentence(event: Event, values: dict[str, str]) -> str:
        return message % {**values, "reference": _reference(getattr(event, value))}

    return sentence


def _parent_incident(event: Event, values: dict[str, str]) -> str:
    values.update(before=_reference(event.before), after=_reference(event.after))
    return _changed(
        values,
        changed=_("Moved from the incident %(before)s to the incident %(after)s by %(actor)s."),
        set_=_("Linked to the incident %(after)s by %(actor)s."),
        cleared=_("Unlinked from the incident %(before)s by %(actor)s."),
    )


def _escalation_level(event: Event, values: dict[str, str]) -> str:
    values["before"] = values["before"] or "0"
    return _("Escalation level raised from %(before)s to %(after)s by %(actor)s.") % values


def _sla_breach(event: Event, values: dict[str, str]) -> str:
    target = choice_label(SlaTarget, event.after)
    return _("The %(target)s target was missed.") % {"target": target}


def _remediation(event: Event, values: dict[str, str]) -> str:
    """remediation_<step>: the action is described as "<action code> [id] [asset] [amount]"."""
    step = event.field.removeprefix("remediation_")
    description = event.after if step in ("requested", "approved", "retried") else event.before
    code, _space, details = description.partition(" ")
    action = choice_label(RemediationAction, code)
    values["action"] = f"{action} ({amount_shown(details)})" if details else action
    values["outcome"] = event.after
    message = REMEDIATION_SENTENCES.get(step)
    return message() % values if message else _unknown(event, values)


def amount_shown(details: str) -> str:
    """ "W101 BTC 0.00020000" as "W101 BTC 0.0002": a trailing amount written with the decimals of
    the asset before it (support.assets); anything else as it is."""
    *head, last = details.split(" ")
    return " ".join([*head, asset_amount(last, head[-1])]) if head else details


REMEDIATION_SENTENCES: dict[str, Callable[[], str]] = {
    "requested": lambda: _("Remediation requested by %(actor)s: %(action)s."),
    "approved": lambda: _("Remediation approved by %(actor)s: %(action)s."),
    "rejected": lambda: _("Remediation rejected by %(actor)s: %(action)s. Reason: %(outcome)s"),
    "retried": lambda: _("Remediation tried again by %(actor)s: %(action)s."),
    "executed": lambda: _("The exchange carried out %(action)s (reference %(outcome)s)."),
    "failed": lambda: _("The exchange could not carry out %(action)s: %(outcome)s"),
}


def _unknown(event: Event, values: dict[str, str]) -> str:
    return _("The ticket was updated by %(actor)s.") % values


def _said(sentence: Promise) -> Sentence:
    return lambda event, values: str(sentence) % values


PEOPLE_FIELDS = frozenset({"assignee"})
SENTENCES: dict[str, Sentence] = {
    "status": _status,
    "priority": _priority,
    "sla_policy": _sla_policy,
    "resolution_due": _resolution_due,
    "tags": _tags,
    "assignee": _assignee,
    "team": _team,
    "satisfaction_score": _satisfaction_score,
    "merged_into": _link(gettext_lazy("Merged into %(reference)s by %(actor)s."), "after"),
    "merged": _link(
        gettext_lazy("%(reference)s was merged into this ticket by %(actor)s."), "before"
    ),
    "related": _link(gettext_lazy("Linked as related to %(reference)s by %(actor)s."), "after"),
    "parent_incident": _parent_incident,
    "split_from": _link(gettext_lazy("Split from %(reference)s by %(actor)s."), "after"),
    "split_into": _link(
        gettext_lazy("Messages split off into %(reference)s by %(actor)s."), "after"
    ),
    "follow_up_of": _link(
        gettext_lazy("Opened as a follow-up of %(reference)s by %(actor)s."), "after"
    ),
    "escalation_level": _escalation_level,
    "sla_breach": _sla_breach,
    "email_bounced": _said(gettext_lazy("Our email to %(after)s could not be delivered.")),
    "raw_email_downloaded": _said(gettext_lazy("%(actor)s downloaded the original email.")),
    "impersonation_suspected": _said(
        gettext_lazy("Possible impersonation scam: the customer was sent a safety notice.")
    ),
    "impersonation_links": _said(gettext_lazy("Look-alike links in the message: %(after)s")),
    "call": call_sentence,
    "call_started": call_started_sentence,
}
