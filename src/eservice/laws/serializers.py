"""API shapes of the law catalog and the search."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from eservice.laws.models import Amendment, Law, LawStatus, LawType, SearchDoc, Section
from eservice.laws.search import MAX_QUERY, Hit
from eservice.laws.text import unsafe_character

KINDS = SearchDoc.Kind.choices


def _text_only(value: str) -> None:
    bad = unsafe_character(value)
    if bad is not None:
        raise serializers.ValidationError(
            _("This has a character that is not text (at character %(position)s).")
            % {"position": bad + 1}
        )


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY,
        validators=[_text_only],
        help_text="Words, a question or a section reference, in Thai or English "
        '("มาตรา 65 ทวิ ประมวลรัษฎากร", "section 44 Building Control Act"), or the facts '
        f"of a case with the question at the end: at most {MAX_QUERY:,} characters (send "
        "a long one with `POST`). A section named with its law "
        '("มาตรา 40 (2) แห่งประมวลรัษฎากร") comes first.',
        error_messages={
            "blank": _("Type what you are looking for."),
            "max_length": _(
                "The question is too long: at most {max_length} characters can be searched."
            ),
        },
    )
    kind = serializers.MultipleChoiceField(
        choices=KINDS, required=False, help_text="Only these kinds."
    )
    type = serializers.MultipleChoiceField(
        choices=LawType.choices,
        required=False,
        help_text="Only laws of these types (leaves out services).",
    )
    status = serializers.MultipleChoiceField(
        choices=LawStatus.choices,
        required=False,
        help_text="Only laws with this status (leaves out services).",
    )
    agency = serializers.SlugField(
        required=False, help_text="Only laws and services of this agency (code)."
    )
    law = serializers.SlugField(required=False, help_text="Only this law and its sections (code).")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=1000, default=0)


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    score = serializers.FloatField(
        help_text="Relevance; higher is better. Sections the query names (`exact`) score "
        "above 1000, in the order named."
    )
    exact = serializers.BooleanField(help_text="The query named this section.")
    url = serializers.CharField(help_text="The page of the result.")
    snippet = serializers.CharField(
        help_text="The best-matching part of the text, HTML-escaped, query words in `<mark>`."
    )
    law_code = serializers.CharField(allow_null=True)
    law_name = serializers.CharField(allow_null=True, help_text="The law's Thai title.")
    law_name_en = serializers.CharField(allow_null=True)
    law_type = serializers.ChoiceField(choices=LawType.choices, allow_null=True)
    status = serializers.ChoiceField(choices=LawStatus.choices, allow_null=True)
    section_num = serializers.CharField(
        allow_null=True, help_text="As the law writes it: `24/1`, `12 ทวิ`."
    )
    service_code = serializers.CharField(allow_null=True)
    service_name = serializers.CharField(allow_null=True)
    service_name_en = serializers.CharField(allow_null=True)

    def to_representation(self, hit: Hit) -> dict[str, Any]:
        law, section, service = hit.law, hit.section, hit.service
        version = service.current_version if service else None
        return {
            "kind": hit.kind,
            "score": round(hit.score, 4),
            "exact": hit.exact,
            "url": hit.url,
            "snippet": str(hit.snippet),
            "law_code": law.code if law else None,
            "law_name": law.title_th if law else None,
            "law_name_en": (law.title_en or None) if law else None,
            "law_type": law.law_type if law else None,
            "status": (section.status if section and section.status == "repealed" else law.status)
            if law
            else None,
            "section_num": section.number if section else None,
            "service_code": service.code if service else None,
            "service_name": version.name_th if version else None,
            "service_name_en": version.name_en if version else None,
        }


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField(help_text="Results found (at most the candidates ranked).")
    results = SearchHitSerializer(many=True)


class AmendmentSerializer(serializers.ModelSerializer[Amendment]):
    class Meta:
        model = Amendment
        fields = ["title_th", "title_en", "year_be", "sections"]


class LawSerializer(serializers.ModelSerializer[Law]):
    sections = serializers.IntegerField(source="section_count", read_only=True)

    class Meta:
        model = Law
        fields = [
            "code",
            "title_th",
            "title_en",
            "short_title_th",
            "short_title_en",
            "aliases",
            "law_type",
            "year_be",
            "status",
            "agency_code",
            "sections",
        ]


class ServiceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    agency = serializers.CharField()
    sections = serializers.ListField(child=serializers.CharField())


class LawDetailSerializer(LawSerializer):
    amendments = AmendmentSerializer(many=True, read_only=True)
    services = serializers.SerializerMethodField()
    section_numbers = serializers.SerializerMethodField()

    class Meta(LawSerializer.Meta):
        fields = [*LawSerializer.Meta.fields, "amendments", "services", "section_numbers"]

    def get_services(self, law: Law) -> list[dict[str, Any]]:
        return self.context.get("services", [])

    def get_section_numbers(self, law: Law) -> list[str]:
        return [s.number for s in law.sections.all()]


class SectionLinkSerializer(serializers.Serializer):
    law_code = serializers.CharField(
        allow_null=True, help_text="Null for a law not in the catalog."
    )
    law_name = serializers.CharField()
    section_num = serializers.CharField()


class SectionSerializer(serializers.ModelSerializer[Section]):
    section_num = serializers.CharField(source="number")
    law_code = serializers.CharField(source="law.code")
    law_name = serializers.CharField(source="law.title_th")
    cites = SectionLinkSerializer(many=True, source="cites_links")
    cited_by = SectionLinkSerializer(many=True, source="cited_by_links")
    services = ServiceRefSerializer(many=True, source="service_links")

    class Meta:
        model = Section
        fields = [
            "law_code",
            "law_name",
            "section_num",
            "status",
            "text_th",
            "text_en",
            "cites",
            "cited_by",
            "services",
        ]
