"""The forum's people: a page each with details, mandates, invitations and mails; their data
handed out or erased on request (GDPR)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import InboundMessage, Invitation, Meeting, OutboundMessage, Person, utcnow
from app.privacy import access, erasure
from app.services import audit, people
from app.services.errors import ServiceError
from app.views.common import actor, download, forum_for_user, options, owned

bp = Blueprint("people", __name__, url_prefix="/forum/<slug>/people")
MAILS_SHOWN = 50


class PersonForm(FlaskForm):
    """A person's details."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of mails"), choices=options(
        [("", _l("The forum's")), ("da", "Dansk"), ("en", "English")]),
        validators=[Optional()])


class EraseForm(FlaskForm):
    """Confirm an erasure: it cannot be undone."""

    confirm = BooleanField(_l("I understand that this cannot be undone."),
                           validators=[DataRequired()])


@bp.route("/")
@login_required
def index(slug: str):
    """List the forum's people, current and former."""
    forum = forum_for_user(slug)
    found = db.session.scalars(select(Person).filter_by(forum_id=forum.id)
                               .order_by(func.lower(Person.name))).all()
    today = date.today()
    current = {p.id for p in found
               if any(m.ended_on is None or m.ended_on > today for m in p.mandates)}
    return render_template("people/index.html", forum=forum, people=found, current=current)


@bp.route("/<int:person_id>", methods=["GET", "POST"])
@login_required
def show(slug: str, person_id: int):
    """Show a person's page and save changes to their details."""
    forum = forum_for_user(slug)
    person = owned(Person, person_id, forum)
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        try:
            changed = people.update_person(person, actor(), **_values(form))
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing was changed."), "info")
            return redirect(url_for("people.show", slug=slug, person_id=person.id))
    return render_template("people/show.html", forum=forum, person=person, form=form,
                           erase=EraseForm(), **_history(person))


def _values(form: PersonForm) -> dict:
    """Return the form's values by field name."""
    return {name: getattr(form, name).data for name in people.FIELDS}


def _history(person: Person) -> dict:
    """Return the person's invitations and latest mails, for their page."""
    invitations = db.session.scalars(
        select(Invitation).join(Invitation.meeting).where(Invitation.person_id == person.id)
        .order_by(Meeting.start_dt.desc())).all()
    mine = select(Invitation.id).where(Invitation.person_id == person.id)
    email = person.email.lower()
    inbound = db.session.scalars(
        select(InboundMessage).where(InboundMessage.forum_id == person.forum_id, or_(
            func.lower(InboundMessage.sender) == email, InboundMessage.invitation_id.in_(mine)))
        .order_by(InboundMessage.received_dt.desc()).limit(MAILS_SHOWN)).all()
    outbound = db.session.scalars(
        select(OutboundMessage).where(OutboundMessage.forum_id == person.forum_id, or_(
            func.lower(OutboundMessage.recipient) == email,
            OutboundMessage.invitation_id.in_(mine)))
        .order_by(OutboundMessage.created_dt.desc()).limit(MAILS_SHOWN)).all()
    return {"invitations": invitations, "inbound": inbound, "outbound": outbound}


@bp.post("/<int:person_id>/export")
@login_required
def export(slug: str, person_id: int) -> Response:
    """Hand out everything about the person (an access request) as a ZIP."""
    forum = forum_for_user(slug)
    person = owned(Person, person_id, forum)
    data = access.export(person, utcnow())
    audit.record(forum.id, actor(), "person.exported", person)
    db.session.commit()
    return download(data, f"Oplysninger om {person.name}.zip")


@bp.post("/<int:person_id>/anonymise")
@login_required
def anonymise(slug: str, person_id: int):
    """Erase a former member's identity and mail; the forum's records keep them anonymous."""
    forum = forum_for_user(slug)
    person = owned(Person, person_id, forum)
    if not EraseForm().validate_on_submit():
        flash(_("Tick the box to confirm: an erasure cannot be undone."), "error")
        return redirect(url_for("people.show", slug=slug, person_id=person.id))
    try:
        name = erasure.anonymise(person, actor(), date.today(), utcnow())
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The person's data is erased; the records now say »%(name)s«.", name=name),
              "info")
    return redirect(url_for("people.show", slug=slug, person_id=person.id))
