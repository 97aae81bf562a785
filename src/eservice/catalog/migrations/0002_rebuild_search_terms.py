"""Rebuild catalog search terms: punctuation is no longer part of a term."""

from django.db import migrations

from eservice.catalog import search


def rebuild(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    Service = apps.get_model("catalog", "Service")
    ServiceTerm = apps.get_model("catalog", "ServiceTerm")
    LegalBasis = apps.get_model("catalog", "LegalBasis")
    for service in Service.objects.exclude(current_version=None).select_related("current_version"):
        version = service.current_version
        weights = search.term_weights(version, LegalBasis.objects.filter(version=version))
        ServiceTerm.objects.filter(service=service).delete()
        ServiceTerm.objects.bulk_create(
            ServiceTerm(service=service, term=t, weight=w) for t, w in weights.items()
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
