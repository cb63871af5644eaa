"""Test data built through the ORM, so history rows are written as in production."""

import datetime

import factory
from django.utils import timezone

from kinerja.models import Letter, Organisation, Position, Role, Section, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kec-{n}")
    name = factory.Sequence(lambda n: f"Kecamatan Uji {n}")
    government = "Pemerintah Kabupaten Boyolali"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"seksi-{n}")
    name = factory.Sequence(lambda n: f"Seksi Uji {n}")
    kind = Section.Kind.SEKSI


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Pegawai {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.id")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.STAF
    title = factory.LazyAttribute(lambda p: dict(Role.choices)[p.role])
    start_date = datetime.date(2025, 1, 2)


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Letter

    number = factory.Sequence(lambda n: f"050/{n}/BAPPEDA/2026")
    date = factory.LazyFunction(timezone.localdate)
    sender = "Bappeda Kabupaten Boyolali"
    subject = "Permintaan laporan kinerja"
    received_date = factory.LazyFunction(timezone.localdate)


def pdf_bytes(text: str = "Surat uji") -> bytes:
    """A real one-page PDF (the upload checks parse PDFs: a bare header is refused)."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def coordinator_of(organisation=None, *, kabupaten=None, **fields):
    """A kabupaten SAKIP coordinator (no kecamatan position) of the organisation's kabupaten,
    which is made (and the organisation put in it) when it has none; or of `kabupaten`."""
    from kinerja.models import Coordinator, Kabupaten

    if kabupaten is None:
        kabupaten = organisation.kabupaten
        if kabupaten is None:
            kabupaten = Kabupaten.objects.create(
                code=f"kab-{organisation.code}", name=f"Pemerintah Kabupaten Uji {organisation.code}"
            )
            organisation.kabupaten = kabupaten
            organisation.save()
    fields.setdefault("start_date", datetime.date(2025, 1, 2))
    return Coordinator.objects.create(
        user=UserFactory(), kabupaten=kabupaten, unit=Coordinator.Unit.ORGANISASI, title="Analis Bagian Organisasi",
        **fields,
    ).user  # fmt: skip
