"""Load the demo: catalog, accounts and applications with a real history.

Every application is created and moved on through the same actions a person
would use, with the clock set back, so the demo holds only states that real
use reaches (``eservice check-cases`` finds nothing to report). The live
cases span the last weeks; an archive of decided cases spans the last six
months, for the open-data figures.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml
from django.conf import settings
from django.db import transaction

from eservice.accounts.models import JuristicPerson, OfficerRole, Representation, User
from eservice.cases import actions
from eservice.cases.models import Application
from eservice.catalog.importer import import_file
from eservice.catalog.models import Agency, Service
from eservice.core import clock
from eservice.core.workdays import WorkingCalendar
from eservice.demo.fakes import answers_for, demo_pdf, person, thai_pin
from eservice.documents import signing
from eservice.documents.actions import save_template
from eservice.documents.models import IssuedDocument
from eservice.exchange import registry
from eservice.jobs.worker import Worker
from eservice.laws.importer import import_paths
from eservice.notify import delays
from eservice.notify.models import DelayNotice
from eservice.opendata.publish import publish
from eservice.registries import generate


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


CATALOG_FILE = Path(__file__).parent / "data" / "catalog.yaml"
LAWS_FILE = Path(__file__).parent / "data" / "laws.yaml"
DOCUMENTS_FILE = Path(__file__).parent / "data" / "documents.yaml"
PASSWORD = "demo"
ROLES = ["clerk", "reviewer", "approver", "admin"]
COMPANY_REG = "0105558012349"  # valid check digit; clearly a demo company
# Demo addresses: the reserved example domain, and the mail only goes to var/mail.
DEMO_MAIL_DOMAIN = "example.com"


DELAY_REASONS = [
    "รอผลการตรวจสอบสถานที่จากเจ้าพนักงานสาธารณสุข ซึ่งนัดตรวจได้ในสัปดาห์หน้า",
    "อยู่ระหว่างขอความเห็นจากหน่วยงานที่เกี่ยวข้องประกอบการพิจารณา",
]


@dataclass
class Plan:
    """Drive one application to a state, starting ``start`` working days ago."""

    user: str
    service: str
    target: (
        str  # draft|submitted|checking|returned|in_review:<step>|approved|rejected|withdrawn|closed
    )
    start: int
    for_company: bool = False


CITIZEN1_PLANS = [
    Plan("citizen1", "certificate-of-residence", "approved", 12),
    Plan("citizen1", "building-permit", "in_review:2", 9),
    Plan("citizen1", "food-shop-licence", "returned", 4),
    Plan("citizen1", "signboard-permit", "submitted", 0),
    # Past its 30-working-day limit for over four weeks: it has its notices of delay.
    Plan("citizen1", "health-hazard-business-licence", "checking", 52),
    Plan("citizen1", "change-of-address", "draft", 0),
]
# The archive: (service, applications in a usual month), over the last months.
ARCHIVE_SERVICES = [
    ("food-shop-licence", 8),
    ("signboard-permit", 6),
    ("health-hazard-business-licence", 5),
    ("commercial-registration", 6),
]
ARCHIVE_MONTHS = 6
ARCHIVE_PEOPLE = 40
COMPANY_PLANS = [
    Plan("company1", "limited-company-registration", "approved", 15, for_company=True),
    Plan("company1", "factory-licence", "in_review:1", 6, for_company=True),
]


def _user(username: str, **fields: Any) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def _officers(out: Writer) -> None:
    for agency in Agency.objects.all():
        for role in ROLES:
            user = _user(
                f"{agency.code}-{role}",
                full_name_th=f"เจ้าหน้าที่ {agency.name_th} ({role})",
                full_name_en=f"{agency.name_en} {role}",
                email=f"{agency.code}-{role}@{DEMO_MAIL_DOMAIN}",
            )
            OfficerRole.objects.get_or_create(
                user=user,
                agency=agency,
                defaults={
                    "role": role,
                    "position_th": {
                        "clerk": "เจ้าพนักงานธุรการ",
                        "reviewer": "นักวิชาการ",
                        "approver": "ผู้อำนวยการ",
                        "admin": "ผู้ดูแลระบบของหน่วยงาน",
                    }[role],
                    "position_en": {
                        "clerk": "Clerk",
                        "reviewer": "Officer",
                        "approver": "Director",
                        "admin": "Agency administrator",
                    }[role],
                },
            )


class Demo:
    def __init__(self, out: Writer, seed: int = 2569) -> None:
        self.out = out
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.calendar = WorkingCalendar.default()
        self.today = clock.now().astimezone(self.calendar.tz).date()

    def moment(self, working_days_ago: int, hour: float) -> datetime:
        """Return a time of day on the n-th working day before today (today if 0)."""
        day = self.today
        if not self.calendar.is_working_day(day):
            working_days_ago = max(working_days_ago, 1)
        for _ in range(working_days_ago):
            day -= timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day -= timedelta(days=1)
        h, m = int(hour), int((hour % 1) * 60)
        return datetime.combine(day, time(h, m), tzinfo=self.calendar.tz)

    def run(self) -> None:
        with transaction.atomic():
            import_file(CATALOG_FILE, actor="demo")
            laws = import_paths([LAWS_FILE])
            self.out.write(
                f"Law catalog: {len(laws.created) + len(laws.updated)} laws, "
                f"{laws.sections} sections.\n"
            )
            _officers(self.out)
            _document_templates()
            admin = _user("admin", full_name_th="ผู้ดูแลระบบ", full_name_en="Platform administrator")
            admin.is_staff = admin.is_superuser = True
            admin.save()
            _user(
                "citizen1",
                full_name_th="สมชาย ใจดี",
                full_name_en="Somchai Jaidee",
                national_id="1103700012346",
                phone="0812345678",
                email=f"citizen1@{DEMO_MAIL_DOMAIN}",
            )
            company = _user(
                "company1",
                full_name_th="สมหญิง รักไทย",
                full_name_en="Somying Rakthai",
                national_id=thai_pin(self.rng, 3),
            )
            jp, _ = JuristicPerson.objects.get_or_create(
                registration_number=COMPANY_REG,
                defaults={
                    "name_th": "บริษัท ตัวอย่างการค้า จำกัด (ข้อมูลสาธิต)",
                    "name_en": "Example Trading Co., Ltd. (demo)",
                },
            )
            Representation.objects.get_or_create(
                user=company, juristic_person=jp, defaults={"capacity": "director"}
            )
            archive = self._archive()
            plans = list(CITIZEN1_PLANS) + list(COMPANY_PLANS) + self._crowd() + archive
            steps: list[tuple[datetime, int, Callable[[], object]]] = []
            for index, plan in enumerate(plans):
                steps += [(m, index, fn) for m, fn in self._schedule(plan)]
            steps += [(m, len(plans), fn) for m, fn in self._daily_scans(steps)]
            for moment, _, fn in sorted(steps, key=lambda s: (s[0], s[1])):
                with clock.fixed_at(moment):
                    fn()
            _exchange(self.rng)
            self.out.write(
                f"Archive: {len(archive)} past applications for the open-data figures.\n"
            )
            report = publish()
            self.out.write(f"Open data: {len(report.written)} datasets published.\n")
        # After the commit, as the worker would: send what the history's changes queued.
        sent = Worker().run_pending()
        notices = DelayNotice.objects.filter(sent_at__isnull=False).count()
        self.out.write(
            f"Notifications: {sent} jobs run, {notices} notices of delay sent; "
            f"mail written to {settings.EMAIL_FILE_PATH}.\n"
        )

    def _daily_scans(
        self, steps: list[tuple[datetime, int, Callable[[], object]]]
    ) -> list[tuple[datetime, Callable[[], object]]]:
        """The scheduled delay scan, at opening and closing time, and the officers' answers.

        An officer asked for the reason of a coming notice of delay writes it the next
        morning, so the overdue demo cases have their 7-day notices with reasons.
        """
        if not steps:
            return []
        first = min(m for m, _, _ in steps).astimezone(self.calendar.tz).date()
        latest = clock.now() - timedelta(minutes=1)
        scans: list[tuple[datetime, Callable[[], object]]] = []
        day = first
        while day <= latest.astimezone(self.calendar.tz).date():
            # Limits end at closing time, so notices fall due then too.
            for at in (self.calendar.opens, self.calendar.closes):
                moment = datetime.combine(day, at, tzinfo=self.calendar.tz)
                if moment <= latest:
                    scans.append((moment, self._scan))
            day += timedelta(days=1)
        return scans

    def _scan(self) -> None:
        moment = clock.now()
        waiting = DelayNotice.objects.filter(
            sent_at__isnull=True, reason_requested_at__isnull=False, reason=""
        ).select_related("application__assigned_to", "application__agency")
        for notice in waiting:
            app = notice.application
            pending = delays.pending_notice(app, moment)
            if pending is None or pending.pk != notice.pk:
                continue  # decided or paused since the officer was asked
            officer = app.assigned_to or User.objects.get(username=f"{app.agency.code}-clerk")
            expected = self.calendar.add_working_days(moment.astimezone(self.calendar.tz).date(), 5)
            delays.give_reason(app, officer, DELAY_REASONS[notice.sequence % 2], expected)
        delays.scan_delays(moment)
        delays.scan_due_soon(moment)

    def _crowd(self) -> list[Plan]:
        """Other applicants, so every agency's queue has work in it."""
        targets = [
            "submitted",
            "checking",
            "returned",
            "in_review:1",
            "in_review:2",
            "approved",
            "approved",
            "rejected",
            "withdrawn",
            "closed",
        ]
        codes = list(Service.objects.filter(is_active=True).values_list("code", flat=True))
        plans = []
        for i in range(48):
            info = person(self.rng, i + 1)
            _user(f"citizen{i + 2}", **info)
            plans.append(
                Plan(
                    f"citizen{i + 2}",
                    self.rng.choice(codes),
                    self.rng.choice(targets),
                    self.rng.randint(0, 30),
                )
            )
        return plans

    def _archive(self) -> list[Plan]:
        """Six months of past applications to the busiest services, mostly decided.

        Volumes vary by service and month, and some months are quiet on purpose,
        so the open data's suppression of small counts shows.
        """
        outcomes = ["approved"] * 14 + ["rejected"] * 3 + ["withdrawn", "closed"] + ["returned"]
        people = []
        for i in range(ARCHIVE_PEOPLE):
            username = f"archive{i + 1}"
            _user(username, **person(self.rng, 100 + i))
            people.append(username)
        plans = []
        for code, busy in ARCHIVE_SERVICES:
            for month in range(ARCHIVE_MONTHS):
                # Working days back to this month: about 21 a month, the newest a month old.
                count = max(0, round(self.rng.gauss(busy, busy / 3)))
                if self.rng.random() < 0.15:
                    count = self.rng.randint(1, 3)
                for _ in range(count):
                    start = 21 * (month + 1) + self.rng.randrange(21)
                    plans.append(
                        Plan(self.rng.choice(people), code, self.rng.choice(outcomes), start)
                    )
        return plans

    def _schedule(self, plan: Plan) -> list[tuple[datetime, Callable[[], object]]]:
        events = self._plan_events(plan)
        latest = clock.now() - timedelta(minutes=1)
        if events and events[-1][0] > latest:
            # A recent plan would run into the future: move it back as a whole.
            shift = events[-1][0] - latest
            events = [(moment - shift, fn) for moment, fn in events]
        return events

    def _plan_events(self, plan: Plan) -> list[tuple[datetime, Callable[[], object]]]:
        service = Service.objects.filter(code=plan.service).first()
        if service is None:
            return []
        user = User.objects.get(username=plan.user)
        agency = service.agency.code
        ctx: dict[str, Application] = {}
        officer = {r: User.objects.get(username=f"{agency}-{r}") for r in ROLES}
        cursor = self.moment(plan.start, 9.0)
        events: list[tuple[datetime, Callable[[], object]]] = []

        def at(fn: Callable[[], object], hours: float = 1.5) -> None:
            nonlocal cursor
            events.append((cursor, fn))
            cursor = self.calendar.add_working_minutes(cursor, int(hours * 60))

        def next_day() -> None:
            nonlocal cursor
            day = self.calendar.next_working_day(cursor.astimezone(self.calendar.tz).date())
            cursor = self.calendar.opening(day) + timedelta(minutes=45)

        def create() -> None:
            company = (
                JuristicPerson.objects.get(registration_number=COMPANY_REG)
                if plan.for_company
                else None
            )
            app = actions.start_application(user, service, company, language="th")
            version = app.service_version
            actions.save_answers(
                app, user, answers_for(version.form_schema, user.national_id or "", self.rng)
            )
            for doc in version.documents.all():
                if doc.required:
                    actions.upload_document(app, user, doc.code, demo_pdf(doc.code))
            ctx["app"] = app

        at(create, 0.5)
        if plan.target == "draft":
            return events
        at(lambda: actions.submit(ctx["app"], user))
        if plan.target == "submitted":
            return events
        at(lambda: actions.start_check(ctx["app"], officer["clerk"]))
        if plan.target == "checking":
            return events
        if plan.target in ("returned", "withdrawn") or self.rng.random() < 0.2:
            first_doc = service.current_version.documents.first()  # type: ignore[union-attr]
            if first_doc is not None:
                at(
                    lambda: actions.request_documents(
                        ctx["app"],
                        officer["clerk"],
                        [{"code": first_doc.code}],
                        "เอกสารที่แนบมาไม่ชัดเจน กรุณาแนบใหม่ (ข้อมูลสาธิต)",
                        7,
                    )
                )
                if plan.target == "returned":
                    return events
                if plan.target == "withdrawn":
                    next_day()
                    at(lambda: actions.withdraw(ctx["app"], user, "ไม่ประสงค์ดำเนินการต่อ"))
                    return events
                next_day()

                def resend(code: str = first_doc.code) -> None:
                    actions.upload_document(ctx["app"], user, code, demo_pdf(code))
                    actions.resubmit(ctx["app"], user, "แนบเอกสารใหม่แล้ว")

                at(resend)
        if plan.target == "withdrawn":
            at(lambda: actions.withdraw(ctx["app"], user, "ไม่ประสงค์ดำเนินการต่อ"))
            return events
        at(lambda: actions.accept_documents(ctx["app"], officer["clerk"]))
        steps = list(service.current_version.steps.all())  # type: ignore[union-attr]
        stop_at = (
            int(plan.target.split(":")[1]) if plan.target.startswith("in_review:") else len(steps)
        )
        for step in steps[: max(0, min(stop_at, len(steps)) - 1)]:
            next_day()

            def finish_step(role: str = str(step.role)) -> None:
                actions.complete_step(ctx["app"], officer[role], "ดำเนินการแล้ว")

            at(finish_step)
        if plan.target.startswith("in_review"):
            return events
        next_day()
        if plan.target == "rejected":
            at(
                lambda: actions.reject(
                    ctx["app"],
                    officer["approver"],
                    "สถานที่ไม่เป็นไปตามหลักเกณฑ์ที่กำหนดในข้อบัญญัติท้องถิ่น (ข้อมูลสาธิต)",
                    "อุทธรณ์ต่อผู้มีอำนาจภายใน 30 วันนับแต่วันที่ได้รับแจ้งคำสั่ง",
                )
            )
        else:
            at(lambda: actions.approve(ctx["app"], officer["approver"], "อนุญาตตามคำขอ"))
        if plan.target == "closed":
            at(lambda: actions.close(ctx["app"], officer["clerk"]))
        return events


def _document_templates() -> None:
    """Create the demo CA and the demo agencies' document templates."""
    signing.create_authority("eservice DEMO Document Signing CA")
    templates = yaml.safe_load(DOCUMENTS_FILE.read_text(encoding="utf-8"))
    for code, values in templates.items():
        service = Service.objects.get(code=code)
        admin = User.objects.get(username=f"{service.agency.code}-admin")
        save_template(service, admin, values)


# The provider agencies' data services in the demo: (agency, code, lookup, name th, en).
DATA_SERVICES = [
    (
        "dopa",
        "person",
        "population.person",
        "ข้อมูลบุคคลตามทะเบียนราษฎร",
        "Person (population registry)",
    ),
    (
        "dopa",
        "house-registration",
        "population.house-registration",
        "ทะเบียนบ้าน",
        "House registration",
    ),
    ("dbd", "company", "companies.company", "ข้อมูลนิติบุคคล", "Juristic person (company registry)"),
]


def _exchange(rng: random.Random) -> None:
    """Population and company registries as provider agencies, with fictitious records.

    Each agency whose demo services fetch data is granted the data services they name
    (deny by default: nothing else is granted); district offices under the Civil
    Registration Act, so their officers may read without the applicant's consent. Calls go over HTTP to this platform's
    own /r1/ endpoint (EXCHANGE_SELF_URL), exactly as to another platform.
    """
    for agency_code, code, lookup, name_th, name_en in DATA_SERVICES:
        registry.publish(Agency.objects.get(code=agency_code), code, lookup, name_th, name_en)
    for service in Service.objects.select_related("current_version", "agency"):
        assert service.current_version is not None
        client = registry.local_member(service.agency)
        for source in service.current_version.prefill:
            data_service = registry.service(source["service"])
            if registry.right_of(data_service, client.identifier):
                continue
            if (
                service.agency.kind == Agency.Kind.DISTRICT
                and data_service.provider.identifier.endswith("/dopa")
            ):
                # District registrars keep the civil registers: the law lets them read.
                registry.grant(
                    data_service,
                    client,
                    "demo",
                    legal_basis_th="พระราชบัญญัติการทะเบียนราษฎร พ.ศ. 2534",
                    legal_basis_en="Civil Registration Act B.E. 2534 (1991)",
                )
            else:
                registry.grant(data_service, client, "demo")
    seeds = []
    for user in User.objects.exclude(national_id="").exclude(national_id__isnull=True):
        first_th, _, last_th = (user.full_name_th or "ผู้ใช้ สาธิต").partition(" ")
        first_en, _, last_en = (user.full_name_en or "Demo User").partition(" ")
        seeds.append(
            generate.PersonSeed(
                str(user.national_id),
                first_th,
                last_th,
                first_en,
                last_en,
                female=rng.random() < 0.5,
            )
        )
    extra = [person(rng, 100 + i) for i in range(200)]
    for p in extra:
        first_th, _, last_th = p["full_name_th"].partition(" ")
        first_en, _, last_en = p["full_name_en"].partition(" ")
        seeds.append(generate.PersonSeed(p["national_id"], first_th, last_th, first_en, last_en))
    generate.add_people(seeds, rng)
    jp = JuristicPerson.objects.get(registration_number=COMPANY_REG)
    generate.add_company(COMPANY_REG, jp.name_th, jp.name_en, ["สมหญิง รักไทย (ข้อมูลสาธิต)"], rng)


def load(out: Writer) -> None:
    """Load the whole demo (call on an empty database)."""
    Demo(out).run()


def print_accounts(out: Writer) -> None:
    """Print the demo accounts people sign in with."""
    agencies = list(
        Agency.objects.filter(services__isnull=False).distinct().values_list("code", flat=True)
    )
    out.write(
        "\nDemo accounts (password: demo)\n"
        "  citizen1   applicant (person with a Thai national ID), has applications in several states\n"
        "  company1   applicant acting for Example Trading Co., Ltd. (demo)\n"
        "  admin      platform administrator (/admin/: agencies, people, officers' roles)\n"
        "  officers:  <agency>-clerk, <agency>-reviewer, <agency>-approver, <agency>-admin for agencies:\n"
    )
    for code in agencies:
        out.write(f"             {code}\n")
    document = (
        IssuedDocument.objects.filter(application__applicant__username="citizen1")
        .order_by("issued_at")
        .first()
    )
    if document is not None:
        out.write(
            f"\ncitizen1's signed certificate {document.number}: download it from 'My applications';"
            f"\n  its QR code opens {document.data['verify_url']}\n"
        )
    out.write(
        "\nData exchange: the demo population registry (dopa) and company registry (dbd)\n"
        "  answer signed requests at /r1/. As citizen1, apply for 'certificate-of-residence'\n"
        "  or 'commercial-registration' and press 'Fetch my data': the house registration is\n"
        "  read with your consent. 'Who read my data' lists it; <agency>-admin sees both\n"
        "  agencies' message logs at /office/agencies/<agency>/exchange/;\n"
        "  'eservice exchange verify-log' checks the chain.\n"
    )
