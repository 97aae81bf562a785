"""Rebuild catalog search terms: punctuation is no longer part of a term."""

from collections import defaultdict

from django.db import migrations

from eservice.catalog import search


def rebuild(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    Service = apps.get_model("catalog", "Service")
    ServiceTerm = apps.get_model("catalog", "ServiceTerm")
    LegalBasis = apps.get_model("catalog", "LegalBasis")
    for service in Service.objects.exclude(current_version=None).select_related("current_version"):
        v = service.current_version
        fields = [
            (v.name_th, search.NAME_WEIGHT), (v.name_en, search.NAME_WEIGHT),
            (v.output_document_th, search.OUTPUT_WEIGHT), (v.output_document_en, search.OUTPUT_WEIGHT),
            (v.description_th, search.TEXT_WEIGHT), (v.description_en, search.TEXT_WEIGHT),
        ]
        for basis in LegalBasis.objects.filter(version=v):
            fields += [(basis.law_th, search.LAW_WEIGHT), (basis.law_en, search.LAW_WEIGHT)]
        weights = defaultdict(int)
        for text, weight in fields:
            for term in set(search.terms(text)):
                weights[term] = max(weights[term], weight)
        ServiceTerm.objects.filter(service=service).delete()
        ServiceTerm.objects.bulk_create(
            ServiceTerm(service=service, term=t, weight=w) for t, w in weights.items()
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
