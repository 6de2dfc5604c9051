# The events' own index on appeal_id goes: appeal_event_version (appeal_id, version) begins with it
# and answers every read by appeal, and each index costs every event's INSERT (issue 11). Only the
# index is dropped: Django's AlterField would also drop and re-add the foreign key, which checks
# every event again under a lock that stops writes.

import django.db.models.deletion
from django.db import migrations, models

INDEX = "appeals_appealevent_appeal_id_17365b2a"


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0035_day_stat_category_unindexed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appealevent",
                    name="appeal",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="appeals.appeal",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f"CREATE INDEX {INDEX} ON appeals_appealevent (appeal_id)",
                ),
            ],
        ),
    ]
