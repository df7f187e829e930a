"""A new ticket's reference is drawn in its INSERT (one round trip less per ticket).

`tickets_next_reference()` formats the sequence's next number as T-000123: at least six
digits, more when the numbers outgrow them (lpad alone would cut them).
"""

from django.db import migrations, models

import tickets.models

FUNCTION = """
CREATE OR REPLACE FUNCTION tickets_next_reference() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT 'T-' || lpad(n::text, greatest(6, length(n::text)), '0')
    FROM nextval('tickets_reference_seq') AS n
$$
"""


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_raw_inbound")]
    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS tickets_next_reference()"),
        migrations.AlterField(
            model_name="ticket",
            name="reference",
            field=models.CharField(
                db_default=tickets.models.NextReference(),
                max_length=20,
                unique=True,
                verbose_name="reference",
            ),
        ),
    ]
