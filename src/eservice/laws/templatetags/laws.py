"""Template helpers of the law catalog: links to sections, a service's legal basis."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from eservice.laws import numbers
from eservice.laws.services import SectionLink, basis_links

register = template.Library()


@register.filter
def slugify_section(number: str) -> str:
    return numbers.slug(number)


@register.simple_tag
def section_link(link: SectionLink) -> SafeString:
    """'Section 25 · <law>' linked to its page, or plain text for a law not in the catalog."""
    label = _("Section %(n)s") % {"n": link.section_num}
    if link.section is not None and link.law is not None:
        url = reverse("laws:section", args=[link.law.code, link.section.slug])
        return format_html('<a href="{}">{}</a> · {}', url, label, link.law.title)
    return format_html("{} · {}", label, link.law_name)


@register.simple_tag
def legal_basis(bases: Any) -> list[Any]:
    """A manual's legal bases matched to the law catalog (see laws.services.basis_links)."""
    return basis_links(list(bases))
