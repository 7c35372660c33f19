"""The roster: seats with holder, alternate and term; appoint and end mandates."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app import jobs
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import Mandate, MandateRole, Person, Seat, utcnow
from app.services import invitation_sync, meetings, roster
from app.services.errors import ServiceError
from app.views.common import actor, forum_for_user, options, owned
from app.views.dashboard import TERM_WARNING_DAYS

bp = Blueprint("roster", __name__, url_prefix="/forum/<slug>/roster")


class AppointForm(FlaskForm):
    """Give a person a seat, or make them its alternate."""

    role = SelectField(_l("As"), choices=options([("member", _l("Member")),
                                                  ("alternate", _l("Alternate"))]))
    person_id = SelectField(_l("Person"), coerce=int, validators=[Optional()])
    name = StringField(_l("…or a new person: name"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[Optional(), Length(max=254)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    starts_on = DateField(_l("From"), validators=[DataRequired()], default=date.today)


class EndForm(FlaskForm):
    """End a mandate."""

    last_day = DateField(_l("Last day"), validators=[DataRequired()], default=date.today)
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])


def _people(forum) -> list[Person]:
    """Return the forum's people by name."""
    return db.session.scalars(select(Person).filter_by(forum_id=forum.id)
                              .order_by(Person.name)).all()


def _people_choices(forum, people: list[Person] | None = None) -> list[tuple[int, str]]:
    """Return the forum's people (or PEOPLE, read already) as options."""
    people = _people(forum) if people is None else people
    return options([(0, "—")] + [(p.id, f"{p.name} <{p.email}>") for p in people])


@bp.route("/")
@login_required
def index(slug: str):
    """Show every seat with holder, alternate and term end."""
    forum = forum_for_user(slug)
    today = meetings.local_day(forum, utcnow())
    form = AppointForm()
    people = _people(forum)
    form.person_id.choices = _people_choices(forum, people)
    bouncing = [person for person in people if person.bouncing_since is not None]
    return render_template(
        "roster/index.html", forum=forum, holdings=roster.holdings(forum, today),
        ending={m.id for m in roster.terms_ending(forum, today, TERM_WARNING_DAYS)},
        appoint=form, end=EndForm(), bouncing=bouncing, today=today,
    )


@bp.route("/seats/<int:seat_id>/appoint", methods=["POST"])
@login_required
def appoint(slug: str, seat_id: int) -> Response:
    """Appoint an existing or new person to the seat."""
    forum = forum_for_user(slug)
    seat = owned(Seat, seat_id, forum)
    form = AppointForm()
    form.person_id.choices = _people_choices(forum)
    if not form.validate_on_submit():
        flash(_("Choose a person and a start date."), "error")
        return redirect(url_for("roster.index", slug=slug))
    role = MandateRole(form.role.data)
    try:
        person = _person(forum, form)
        roster.appoint(seat, person, form.starts_on.data, role, actor=actor())
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("roster.index", slug=slug))
    done = _in_step(forum)
    if role is MandateRole.alternate:
        flash(_("%(name)s is now alternate for %(seat)s.", name=person.name, seat=seat.label),
              "info")
    else:
        flash(_("%(name)s now holds %(seat)s.", name=person.name, seat=seat.label), "info")
    _say(done)
    return redirect(url_for("roster.index", slug=slug))


def _in_step(forum) -> invitation_sync.InStep:
    """Bring the invitations of coming meetings in step with the changed roster, commit,
    and hand their mail (CANCELs, new invitations) to the queue."""
    done = invitation_sync.sync_coming(forum, actor=actor())
    db.session.commit()
    jobs.enqueue_all([done.followup])
    return done


def _say(done: invitation_sync.InStep) -> None:
    """Tell the secretary what the change did to the invitations, if anything."""
    if done.withdrawn or done.invited:
        flash(_("Invitations to coming meetings: %(withdrawn)d withdrawn, %(invited)d sent.",
                withdrawn=done.withdrawn, invited=done.invited), "info")


def _person(forum, form: AppointForm) -> Person:
    """Return the chosen person, or add the new one the form names."""
    if form.person_id.data:
        return owned(Person, form.person_id.data, forum)
    if not (form.name.data and form.email.data):
        raise ServiceError(_l("Choose a person, or give a name and an email address."))
    return roster.add_person(forum, form.name.data, form.email.data,
                             organisation=form.organisation.data or None)


@bp.route("/mandates/<int:mandate_id>/end", methods=["POST"])
@login_required
def end(slug: str, mandate_id: int) -> Response:
    """End a mandate; the seat is vacant from the next day unless someone is appointed."""
    forum = forum_for_user(slug)
    mandate = db.session.get(Mandate, mandate_id)
    if mandate is None or mandate.seat.forum_id != forum.id:
        from flask import abort

        abort(404)
    form = EndForm()
    if form.validate_on_submit():
        try:
            roster.end_mandate(mandate, form.last_day.data, form.reason.data or "ended",
                               actor=actor())
        except ServiceError as exc:
            flash(str(exc.message), "error")
        else:
            done = _in_step(forum)
            flash(_("The mandate of %(name)s ends %(day)s.", name=mandate.person.name,
                    day=format_date(form.last_day.data, "long")), "info")
            _say(done)
    return redirect(url_for("roster.index", slug=slug))


@bp.route("/people/<int:person_id>/unbounce", methods=["POST"])
@login_required
def unbounce(slug: str, person_id: int) -> Response:
    """Clear the bouncing mark once the address is fixed."""
    person = owned(Person, person_id, forum_for_user(slug))
    if FlaskForm().validate_on_submit():
        person.bouncing_since, person.bounce_reason = None, None
        db.session.commit()
    return redirect(url_for("roster.index", slug=slug) + "#bouncing")
