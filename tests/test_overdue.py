"""Overdue steps: the cron command tells assignees and superiors once, and closing a late step
asks for the reason, which the timeline shows."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from kinerja.engine import overdue, statistics, workflow
from kinerja.models import Notice
from kinerja.steps import analysis_steps, dispositions

from .conftest import MONDAY, advance, at, dispose_down_the_chain, open_runs, start


def test_a_late_step_1_tells_whoever_holds_the_letter_on_the_chain_once(klego, monkeypatch):
    """The letter waits for the Camat's disposition: the Camat is told (nobody is above him), not
    the Kasubag, whose move it is not yet. Once the Sekretaris holds it: she and the Camat."""
    cycle = start(klego)
    (run,) = open_runs(cycle)
    late = at("2026-11-02", "09:00")
    marked = overdue.notify_overdue(late)
    assert [r.pk for r in marked] == [run.pk]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {klego.camat.email}
    assert "Terlambat: langkah 1" in message.subject
    assert [n.user for n in Notice.objects.filter(kind="terlambat")] == [klego.camat]
    assert overdue.notify_overdue(at("2026-11-02", "10:00")) == []
    assert len(mail.outbox) == 1

    second = start(klego, quarter=3)
    dispositions.dispose(second.letter, by=klego.camat, recipients=[klego.sekcam], instructions=["Tindak lanjuti"],
                         at=MONDAY)  # fmt: skip
    overdue.notify_overdue(at("2026-11-02", "09:00"))
    assert set(mail.outbox[1].to) == {klego.sekcam.email, klego.camat.email}


def test_overdue_command_runs_from_the_shell_and_is_idempotent(klego):
    cycle = start(klego)
    advance(klego, cycle, 2)
    out = io.StringIO()
    call_command("notify_overdue", stdout=out)  # now is long after 2 November 2026
    assert "5 langkah baru ditandai terlambat" in out.getvalue()
    # Each section's staff hear about their own section only, with the Sekretaris (no Kasi).
    recipients = sorted(tuple(sorted(m.to)) for m in mail.outbox)
    assert (klego.sekcam.email, klego.staf_pem.email) in [tuple(sorted(r)) for r in recipients]
    call_command("notify_overdue", stdout=out)
    assert len(mail.outbox) == 5


def test_steps_not_yet_due_are_not_marked(klego):
    start(klego)
    assert overdue.notify_overdue(at("2026-11-02", "08:29")) == []
    assert mail.outbox == []


def test_closing_an_overdue_step_requires_a_reason(klego):
    cycle = start(klego)
    advance(klego, cycle, 7)
    (run,) = open_runs(cycle)  # step 7: 30 minutes from 08:00
    analysis_steps.make_grouping(run, by=klego.kasubag, groupings=["section"], at=MONDAY)
    with pytest.raises(workflow.WorkflowError, match="alasan keterlambatan"):
        analysis_steps.finish_grouping(run, by=klego.kasubag, at=at("2026-11-02", "09:00"))
    analysis_steps.finish_grouping(
        run, by=klego.kasubag, at=at("2026-11-02", "09:00"), overdue_reason="Data baru masuk"
    )
    run.refresh_from_db()
    assert run.overdue_reason == "Data baru masuk"
    assert run.actual_minutes == 60


def test_a_reason_given_for_a_step_on_time_is_not_kept(klego):
    cycle = start(klego)
    advance(klego, cycle, 7)
    (run,) = open_runs(cycle)
    analysis_steps.make_grouping(run, by=klego.kasubag, groupings=["section"], at=MONDAY)
    analysis_steps.finish_grouping(run, by=klego.kasubag, at=MONDAY, overdue_reason="tidak perlu")
    run.refresh_from_db()
    assert run.overdue_reason == ""


def test_the_timeline_shows_the_reason_for_lateness(client, klego):
    cycle = start(klego)
    dispose_down_the_chain(klego, cycle.letter, when=at("2026-11-03", "09:00"), overdue_reason="Menunggu disposisi")
    client.force_login(klego.camat)
    html = client.get(reverse("kinerja:cycle_detail", args=[cycle.pk])).content.decode()
    assert "Alasan terlambat: Menunggu disposisi" in html


def test_step_statistics_give_median_and_worst_against_target(klego):
    for quarter, minutes_late in [(1, "08:10"), (2, "08:40"), (3, "09:30")]:
        cycle = start(klego, quarter=quarter)
        dispose_down_the_chain(klego, cycle.letter, when=at("2026-11-02", minutes_late), overdue_reason="x")
    (row, *_) = statistics.step_statistics(klego.org)
    assert (row.number, row.count, row.target_minutes) == (1, 3, 30)
    assert row.median_minutes == 40
    assert row.worst_minutes == 90
    assert row.late_count == 2
    assert row.median_ratio == pytest.approx(40 / 30)


def test_a_section_name_with_a_line_break_neither_stops_the_notices_nor_breaks_a_header(klego):
    """A name saved with a newline (before names were validated) made send_mail refuse the header
    (BadHeaderError); the loop died there, and so did every later cron run."""
    from kinerja.models import Section

    Section.objects.filter(pk=klego.sections["pem"].pk).update(name="Seksi\nPemerintahan")
    cycle = start(klego)
    advance(klego, cycle, 2)
    marked = overdue.notify_overdue(at("2026-11-30", "09:00"))
    assert len(marked) == 5 and len(mail.outbox) == 5
    subjects = [m.subject for m in mail.outbox]
    assert "[Kinerja] Terlambat: langkah 2 Menghimpun data kinerja seksi (Seksi Pemerintahan)" in subjects, subjects
    assert all("\n" not in subject for subject in subjects)


def test_a_message_that_cannot_be_sent_is_logged_and_tried_again_next_time(klego, monkeypatch, caplog):
    from django.core.mail import send_mail as real_send_mail

    cycle = start(klego)
    advance(klego, cycle, 2)
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["subject"])
        if len(calls) == 2:
            raise OSError("SMTP tidak menjawab")
        return real_send_mail(**kwargs)

    monkeypatch.setattr(overdue, "send_mail", flaky)
    first = overdue.notify_overdue(at("2026-11-30", "09:00"))
    assert len(first) == 4 and len(mail.outbox) == 4  # the other four went out
    assert "gagal dikirim; dicoba lagi" in caplog.text
    second = overdue.notify_overdue(at("2026-11-30", "09:15"))
    assert len(second) == 1 and len(mail.outbox) == 5  # the failed one, and only it
    assert overdue.notify_overdue(at("2026-11-30", "09:30")) == []


def test_names_with_line_breaks_are_refused_by_the_admin_forms(klego):
    from django.core.exceptions import ValidationError

    section = klego.sections["pem"]
    section.name = "Seksi\r\nPemerintahan"
    with pytest.raises(ValidationError, match="satu baris"):
        section.full_clean()
