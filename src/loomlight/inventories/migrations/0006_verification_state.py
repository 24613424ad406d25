"""The verification state of each stored month (``Inventory.status``) and the count of verified and submitted
months of each stored year (``InventoryYear.months_verified``, ``months_submitted``), filled from the
reporting periods."""

from collections import Counter

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    ReportingPeriod = apps.get_model("reporting", "ReportingPeriod")
    Inventory = apps.get_model("inventories", "Inventory")
    InventoryYear = apps.get_model("inventories", "InventoryYear")
    status = ReportingPeriod.objects.filter(facility=OuterRef("facility"), period=OuterRef("period")).values("status")[:1]
    Inventory.objects.update(status=Coalesce(Subquery(status), Value("draft")))
    counts = Counter()
    for facility_id, period, gwp, state in Inventory.objects.values_list("facility_id", "period", "gwp_set", "status").iterator():
        counts[(facility_id, period.year, gwp, state)] += 1
    for year in InventoryYear.objects.all().iterator():
        key = (year.facility_id, year.year, year.gwp_set)
        verified, submitted = counts[(*key, "verified")], counts[(*key, "submitted")]
        if verified or submitted:
            InventoryYear.objects.filter(pk=year.pk).update(months_verified=verified, months_submitted=submitted)


class Migration(migrations.Migration):

    dependencies = [
        ("inventories", "0005_data_reported"),
        ("reporting", "0006_importjob_flagged"),
    ]

    operations = [
        migrations.AddField(
            model_name="inventory",
            name="status",
            field=models.CharField(default="draft", max_length=16, verbose_name="verification"),
        ),
        migrations.AddField(
            model_name="inventoryyear",
            name="months_verified",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="months verified"),
        ),
        migrations.AddField(
            model_name="inventoryyear",
            name="months_submitted",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="months submitted"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
