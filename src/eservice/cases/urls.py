from django.urls import path

from eservice.cases.views import applicant, officer, track

app_name = "cases"
urlpatterns = [
    path("services/<slug:code>/apply/", applicant.start, name="start"),
    path("my/", applicant.my_applications, name="my-applications"),
    path("my/applications/<uuid:public_id>/", applicant.detail, name="application"),
    path("my/applications/<uuid:public_id>/form/", applicant.form, name="form"),
    path("my/applications/<uuid:public_id>/documents/", applicant.documents, name="documents"),
    path("my/applications/<uuid:public_id>/check/", applicant.check, name="check"),
    path("my/applications/<uuid:public_id>/done/", applicant.done, name="done"),
    path("my/applications/<uuid:public_id>/resubmit/", applicant.resubmit, name="resubmit"),
    path("my/applications/<uuid:public_id>/withdraw/", applicant.withdraw, name="withdraw"),
    path("my/applications/<uuid:public_id>/discard/", applicant.discard, name="discard"),
    path(
        "my/applications/<uuid:public_id>/files/<str:file_id>/",
        applicant.evidence_file,
        name="file",
    ),
    path("office/", officer.office, name="office"),
    path("office/cases/<str:number>/", officer.case, name="case"),
    path("office/cases/<str:number>/files/<str:file_id>/", officer.evidence_file, name="case-file"),
    path("office/cases/<str:number>/<slug:action>/", officer.act, name="act"),
    path("office/queue/<slug:agency>/", officer.agency_queue, name="queue"),
    path("track/", track.track_form, name="track"),
    path("track/<str:number>/", track.track_number, name="track-number"),
]
