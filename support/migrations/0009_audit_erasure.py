"""Erasing a customer (support.data_rights.erasure) may take the customer's own words out of
the audit log without touching the facts: the trigger of 0006 gains one exception, an UPDATE
that changes only actor_label, object_label and client_address of a row about the customer
being erased, named by `support.audit_erase` (set for its transaction by the erasure only)."""

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION support_auditentry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    erased text := current_setting('support.audit_erase', true);
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       AND (NEW.customer_id IS NULL OR NEW.customer_id = OLD.customer_id)
       AND (to_jsonb(NEW) - 'actor_id' - 'customer_id')
           = (to_jsonb(OLD) - 'actor_id' - 'customer_id') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND coalesce(erased, '') <> ''
       AND (OLD.actor_id::text = erased OR OLD.customer_id::text = erased
            OR (OLD.object_type = 'auth.user' AND OLD.object_id = erased))
       AND (to_jsonb(NEW) - 'actor_label' - 'object_label' - 'client_address')
           = (to_jsonb(OLD) - 'actor_label' - 'object_label' - 'client_address') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE'
       AND current_setting('support.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '365 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit log entries cannot be changed or deleted (id %)', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

PREVIOUS_SQL = """
CREATE OR REPLACE FUNCTION support_auditentry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       AND (NEW.customer_id IS NULL OR NEW.customer_id = OLD.customer_id)
       AND (to_jsonb(NEW) - 'actor_id' - 'customer_id')
           = (to_jsonb(OLD) - 'actor_id' - 'customer_id') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE'
       AND current_setting('support.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '365 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit log entries cannot be changed or deleted (id %)', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("support", "0008_official_channels")]
    operations = [migrations.RunSQL(FUNCTION_SQL, PREVIOUS_SQL)]
