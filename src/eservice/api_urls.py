"""The REST API, mounted at /api/v1/ (see docs/api.md)."""

from django.urls import URLPattern, path, re_path

from eservice.accounts.api import ObtainToken
from eservice.cases import api as cases
from eservice.catalog import api as catalog
from eservice.documents import api as documents
from eservice.laws import api as laws
from eservice.notify import api as notify

urlpatterns: list[URLPattern] = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    # Catalog (public)
    path("services/", catalog.ServiceList.as_view(), name="api-services"),
    path("services/<slug:code>/", catalog.ServiceDetail.as_view(), name="api-service"),
    # Laws and the one search box (public)
    path("search/", laws.Search.as_view(), name="api-search"),
    path("laws/", laws.LawList.as_view(), name="api-laws"),
    path("laws/<slug:code>/", laws.LawDetail.as_view(), name="api-law"),
    path(
        "laws/<slug:code>/sections/<str:number>/",
        laws.SectionDetail.as_view(),
        name="api-law-section",
    ),
    # Applicant
    path("applications/", cases.ApplicationListCreate.as_view(), name="api-applications"),
    path(
        "applications/<uuid:public_id>/", cases.ApplicationDetail.as_view(), name="api-application"
    ),
    path(
        "applications/<uuid:public_id>/documents/",
        cases.ApplicationDocuments.as_view(),
        name="api-application-documents",
    ),
    path(
        "applications/<uuid:public_id>/documents/<uuid:document_id>/",
        cases.ApplicationDocument.as_view(),
        name="api-application-document",
    ),
    path(
        "applications/<uuid:public_id>/submit/",
        cases.ApplicationSubmit.as_view(),
        name="api-application-submit",
    ),
    path(
        "applications/<uuid:public_id>/prefill/",
        cases.ApplicationPrefill.as_view(),
        name="api-application-prefill",
    ),
    path(
        "applications/<uuid:public_id>/resubmit/",
        cases.ApplicationResubmit.as_view(),
        name="api-application-resubmit",
    ),
    path(
        "applications/<uuid:public_id>/withdraw/",
        cases.ApplicationWithdraw.as_view(),
        name="api-application-withdraw",
    ),
    # Officer
    path("cases/", cases.CaseQueue.as_view(), name="api-cases"),
    path("cases/<str:tracking_number>/", cases.CaseDetail.as_view(), name="api-case"),
    *[
        path(
            f"cases/<str:tracking_number>/actions/{name}/",
            view.as_view(),
            name=f"api-case-{name.replace('_', '-')}",
        )
        for name, view in cases.CASE_ACTIONS.items()
    ],
    # Issued documents: holder and agency
    path("issued-documents/", documents.IssuedDocumentList.as_view(), name="api-issued-documents"),
    path(
        "issued-documents/<uuid:public_id>/",
        documents.IssuedDocumentDetail.as_view(),
        name="api-issued-document",
    ),
    path(
        "issued-documents/<uuid:public_id>/pdf/",
        documents.IssuedDocumentPdf.as_view(),
        name="api-issued-document-pdf",
    ),
    # Verification (public; uploads rate-limited)
    path("verify/", documents.VerifyUpload.as_view(), name="api-verify"),
    path("verify/<uuid:public_id>/", documents.VerifyById.as_view(), name="api-verify-document"),
    # Track & trace (public, rate-limited)
    path("track/<str:number>/", cases.Track.as_view(), name="api-track"),
    # Messages: my inbox and choices; SMS provider receipts
    path("me/messages/", notify.MyMessages.as_view(), name="api-my-messages"),
    path(
        "me/notification-preferences/",
        notify.MyPreferences.as_view(),
        name="api-my-notification-preferences",
    ),
    path("sms-receipts/", notify.SmsReceipt.as_view(), name="api-sms-receipts"),
    # Anything else under /api/v1/, unknown case actions included: a JSON 404.
    re_path(r"^", cases.NotFoundView.as_view()),
]
