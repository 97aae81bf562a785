"""Reading the law catalog: laws, sections, their links, and the services they create.

A service's legal basis (catalog ``LegalBasis``) names a law by its title and
lists sections ("มาตรา 38"); it is matched to the catalog by the law's title
key (digits and spaces ignored) or its English title, and each section by
number. Nothing is copied: the links follow the current manuals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from eservice.core.errors import NotFound
from eservice.laws.importer import title_key
from eservice.laws.models import Law, Reference, Section
from eservice.laws.numbers import BadNumber, find_references, normalize_number

PAGE_SIZE = 100


@dataclass
class SectionLink:
    law_code: str | None
    law_name: str
    section_num: str
    section: Section | None = None
    law: Law | None = None


@dataclass
class ServiceLink:
    code: str
    name_th: str
    name_en: str
    agency: str
    sections: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        from eservice.core.i18n import pick

        return pick(self.name_th, self.name_en)


@dataclass
class BasisLink:
    """One legal basis of a service, matched to the catalog."""

    law_th: str
    law_en: str
    law: Law | None
    sections: list[tuple[str, Section | None]]

    @property
    def title(self) -> str:
        from eservice.core.i18n import pick

        return pick(self.law_th, self.law_en)


def laws(*, law_type: str = "", status: str = "", agency: str = "") -> QuerySet[Law]:
    qs = Law.objects.annotate(section_count=Count("sections"))
    if law_type:
        qs = qs.filter(law_type=law_type)
    if status:
        qs = qs.filter(status=status)
    if agency:
        qs = qs.filter(agency_code=agency)
    return qs.order_by("title_th")


def law_by_code(code: str) -> Law:
    law = (
        Law.objects.annotate(section_count=Count("sections"))
        .prefetch_related("amendments")
        .filter(code=code)
        .first()
    )
    if law is None:
        raise NotFound(_("No such law in the catalog."))
    return law


def section_by_slug(code: str, slug: str) -> Section:
    """A section with what it cites, what cites it and the services resting on it."""
    section = Section.objects.select_related("law").filter(law__code=code, slug=slug).first()
    if section is None:
        raise NotFound(_("No such section in the catalog."))
    cites = (
        Reference.objects.filter(source=section)
        .select_related("target__law")
        .order_by("target_law_key", "target_number")
    )
    section.cites_links = [  # type: ignore[attr-defined]
        _link_to(ref.target, ref.target_law_title, ref.target_number) for ref in cites
    ]
    cited_by = (
        Reference.objects.filter(target=section)
        .select_related("source__law")
        .order_by("source__law__title_th", "source__sort_key")
    )
    section.cited_by_links = [  # type: ignore[attr-defined]
        _link_to(ref.source, ref.source.law.title_th, ref.source.number) for ref in cited_by
    ]
    section.service_links = [  # type: ignore[attr-defined]
        s for s in services_for_law(section.law) if section.number in s.sections
    ]
    return section


def _link_to(section: Section | None, title: str, number: str) -> SectionLink:
    if section is None:
        return SectionLink(None, title, number)
    return SectionLink(section.law.code, section.law.title_th, section.number, section, section.law)


def neighbours(section: Section) -> tuple[Section | None, Section | None]:
    siblings = Section.objects.filter(law=section.law).only("number", "slug", "sort_key", "law")
    before = siblings.filter(sort_key__lt=section.sort_key).order_by("-sort_key").first()
    after = siblings.filter(sort_key__gt=section.sort_key).order_by("sort_key").first()
    return before, after


def law_sections(law: Law, page: int) -> tuple[list[Section], int]:
    """One page of a law's sections, in order, and the number of pages."""
    total = law.sections.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * PAGE_SIZE
    return list(law.sections.order_by("sort_key")[start : start + PAGE_SIZE]), pages


def _basis_numbers(sections: list[str]) -> list[str]:
    numbers: list[str] = []
    for text in sections:
        refs = find_references(text)
        if refs:
            numbers += [n for ref in refs for n in ref.numbers]
            continue
        try:
            numbers.append(normalize_number(text))
        except BadNumber:
            continue
    return list(dict.fromkeys(numbers))


def _match_law(
    law_th: str, law_en: str, by_key: dict[str, Law], by_en: dict[str, Law]
) -> Law | None:
    return by_key.get(title_key(law_th)) or by_en.get(law_en.strip().lower())


def services_for_law(law: Law) -> list[ServiceLink]:
    """Active services whose current manual rests on ``law``, with the sections they cite."""
    from eservice.catalog.models import LegalBasis

    bases = LegalBasis.objects.filter(version__service__is_active=True)
    found: dict[str, ServiceLink] = {}
    key, en = law.title_key, law.title_en.strip().lower()
    for basis in bases.select_related("version__service__agency"):
        service = basis.version.service
        if service.current_version_id != basis.version_id:
            continue
        if title_key(basis.law_th) != key and not (en and basis.law_en.strip().lower() == en):
            continue
        link = found.setdefault(
            service.code,
            ServiceLink(
                service.code,
                basis.version.name_th,
                basis.version.name_en,
                str(service.agency),
            ),
        )
        link.sections += [n for n in _basis_numbers(basis.sections) if n not in link.sections]
    return sorted(found.values(), key=lambda s: s.code)


def basis_links(bases: list[Any]) -> list[BasisLink]:
    """Match a manual's legal bases to laws and sections of the catalog."""
    keys = {title_key(b.law_th) for b in bases}
    ens = {b.law_en.strip().lower() for b in bases}
    candidates = Law.objects.filter(
        Q(title_key__in=keys) | Q(title_en__in=[b.law_en for b in bases])
    )
    by_key = {law.title_key: law for law in candidates}
    by_en = {
        law.title_en.strip().lower(): law
        for law in candidates
        if law.title_en.strip().lower() in ens
    }
    out = []
    for basis in bases:
        law = _match_law(basis.law_th, basis.law_en, by_key, by_en)
        numbers = _basis_numbers(basis.sections)
        sections: dict[str, Section] = {}
        if law is not None:
            sections = {s.number: s for s in law.sections.filter(number__in=numbers)}
            for s in sections.values():
                s.law = law
        out.append(
            BasisLink(basis.law_th, basis.law_en, law, [(n, sections.get(n)) for n in numbers])
        )
    return out


__all__ = [
    "BasisLink",
    "SectionLink",
    "ServiceLink",
    "basis_links",
    "law_by_code",
    "law_sections",
    "laws",
    "neighbours",
    "section_by_slug",
    "services_for_law",
]
