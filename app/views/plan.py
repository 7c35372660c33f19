"""The yearly plan and seat requests: the forum's own rules, for the secretary to apply."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app import jobs
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import AgendaItem, AgendaKind, MeetingKind, Seat, utcnow
from app.services import invitation_sync, meetings, plan, roster, seat_requests
from app.services.errors import ServiceError
from app.views.common import actor, forum_for_user, owned

bp = Blueprint("plan", __name__, url_prefix="/forum/<slug>/plan")

WEEKDAYS = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")),
            (4, _l("Friday")), (5, _l("Saturday")), (6, _l("Sunday"))]
ORDINALS = [(1, _l("first")), (2, _l("second")), (3, _l("third")), (4, _l("fourth")),
            (-1, _l("final"))]
MONTHS = [(1, _l("first month")), (2, _l("middle month")), (3, _l("last month"))]


def choices(pairs) -> list[SelectChoice]:
    """Return (value, label) PAIRS as select options."""
    return [SelectChoice(value, label) for value, label in pairs]


class PatternForm(FlaskForm):
    """The rule the plan follows."""

    ordinal = SelectField(_l("Which"), choices=choices(ORDINALS), coerce=int)
    weekday = SelectField(_l("Weekday"), choices=choices(WEEKDAYS), coerce=int)
    month_in_quarter = SelectField(_l("Of the quarter's"), choices=choices(MONTHS), coerce=int)
    start = TimeField(_l("Starts"), validators=[DataRequired()])
    place = StringField(_l("Usual place"), validators=[Optional(), Length(max=300)])
    summer = BooleanField(_l("Propose the June meeting on summer activities"))


class RowForm(Form):
    """One proposed meeting, as the secretary adjusts it."""

    include = BooleanField(_l("Create"), default=True)
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Starts"), validators=[DataRequired()])
    end = TimeField(_l("Ends"), validators=[DataRequired()])
    kind = HiddenField(validators=[AnyOf(["regular", "summer"])])


class PlanForm(FlaskForm):
    """The year's proposal, to confirm."""

    rows = FieldList(FormField(RowForm))
    location = StringField(_l("Place"), validators=[Optional(), Length(max=300)])


class RequestForm(FlaskForm):
    """A seat request the secretary received by phone, letter or in person."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=20000)])
    submitter_name = StringField(_l("From"), validators=[Optional(), Length(max=200)])
    submitter_address = EmailField(_l("Email address"), validators=[Optional(), Length(max=254)])


class MarkForm(FlaskForm):
    """Mark an agenda item as a request for a seat."""

    item_id = SelectField(_l("Agenda item"), coerce=int)


class DecideForm(FlaskForm):
    """The forum's decision on a seat request."""

    decision = SelectField(_l("The forum’s decision"), choices=choices([("approve", _l("Approved")),
                                                            ("reject", _l("Not approved"))]))
    seat_label = StringField(_l("Seat"), validators=[Optional(), Length(max=200)])
    name = StringField(_l("Member"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[Optional(), Length(max=254)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    starts_on = DateField(_l("From"), validators=[Optional()])
    vacant_seat_id = SelectField(_l("Takes the place of"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("Note for the minutes"), validators=[Optional(), Length(max=2000)])


@bp.route("/")
@login_required
def index(slug: str):
    """Show the pattern and the year's proposal, ready to adjust and confirm."""
    forum = forum_for_user(slug)
    pattern = plan.pattern_for(forum)
    year = request.args.get("year", type=int) or meetings.local_day(forum, utcnow()).year + 1
    summer = request.args.get("summer", type=int, default=int(pattern.summer)) == 1
    proposals = plan.proposal_for(forum, year, summer)
    form = PlanForm(data={"location": pattern.location, "rows": [
        {"include": True, "day": p.day, "start": p.start, "end": p.end, "kind": p.kind.value}
        for p in proposals]})
    pattern_form = PatternForm(data={"ordinal": pattern.ordinal, "weekday": pattern.weekday,
                                     "month_in_quarter": pattern.month_in_quarter,
                                     "start": pattern.start, "place": pattern.location,
                                     "summer": pattern.summer})
    return render_template("plan/index.html", forum=forum, year=year, summer=summer,
                           form=form, proposals=proposals, pattern=pattern,
                           pattern_form=pattern_form, existing=plan.meetings_in(forum, year),
                           guests={q: [gl.name for gl in meetings.guest_lists_for(forum, q)]
                                   for q in range(1, 5)},
                           labels=(dict(ORDINALS), dict(WEEKDAYS), dict(MONTHS)))


@bp.route("/pattern", methods=["POST"])
@login_required
def save_pattern(slug: str) -> Response:
    """Store the rule the plan follows."""
    forum = forum_for_user(slug)
    form = PatternForm()
    if form.validate_on_submit():
        try:
            plan.save_pattern(forum, plan.Pattern(
                weekday=form.weekday.data, ordinal=form.ordinal.data,
                month_in_quarter=form.month_in_quarter.data, start=form.start.data,
                location=form.place.data or None, summer=form.summer.data))
        except ServiceError as exc:
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(_("The pattern is saved."), "info")
    else:
        flash(_("Give a weekday, a week and a time."), "error")
    return redirect(url_for("plan.index", slug=slug, year=request.args.get("year")))


@bp.route("/<int:year>", methods=["POST"])
@login_required
def confirm(slug: str, year: int) -> Response:
    """Create the meetings as the secretary adjusted them."""
    forum = forum_for_user(slug)
    form = PlanForm()
    back = url_for("plan.index", slug=slug, year=year)
    if not form.validate_on_submit():
        flash(_("Give a date and times for every meeting."), "error")
        return redirect(back)
    rows = [plan.Proposal(r.day.data, r.start.data, r.end.data, MeetingKind(r.kind.data),
                          meetings.quarter_of(r.day.data))
            for r in (entry.form for entry in form.rows) if r.include.data]
    try:
        created = plan.confirm(forum, rows, form.location.data or None, actor=actor())
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(back)
    db.session.commit()
    flash(_("%(n)d meetings planned.", n=len(created)), "info")
    return redirect(url_for("meetings.index", slug=slug))


# --- seat requests ---------------------------------------------------------------------


def _decide_form(forum, today: date) -> DecideForm:
    """Return the decision form with the seats vacant today as choices."""
    form = DecideForm()
    form.vacant_seat_id.choices = choices([(0, "—")] + [(s.id, s.label)
                                                        for s in roster.vacancies(forum, today)])
    return form


def _mark_form(forum) -> MarkForm:
    """Return the mark form with the forum's topics that are still open as choices."""
    form = MarkForm()
    items = db.session.scalars(db.select(AgendaItem).filter_by(
        forum_id=forum.id, kind=AgendaKind.topic, decided_dt=None)
        .order_by(AgendaItem.created_dt.desc())).all()
    form.item_id.choices = choices((i.id, i.title) for i in items)
    return form


@bp.route("/seat-requests")
@login_required
def seat_requests_page(slug: str):
    """List requests for a seat, their decisions, and the forms to enter and decide them."""
    forum = forum_for_user(slug)
    today = meetings.local_day(forum, utcnow())
    items = seat_requests.requests_of(forum)
    return render_template(
        "plan/seat_requests.html", forum=forum, items=items, new=RequestForm(),
        mark=_mark_form(forum), decide=_decide_form(forum, today),
        decisions={i.id: seat_requests.decision_of(i) for i in items},
        vacant=roster.vacancies(forum, today))


@bp.route("/seat-requests/new", methods=["POST"])
@login_required
def new_request(slug: str) -> Response:
    """Enter a seat request as a pending agenda item."""
    forum = forum_for_user(slug)
    form = RequestForm()
    if form.validate_on_submit():
        seat_requests.create(forum, form.title.data, form.body.data or "",
                             form.submitter_name.data, form.submitter_address.data, actor())
        db.session.commit()
        flash(_("The request is in the agenda queue."), "info")
    else:
        flash(_("A request needs a title."), "error")
    return redirect(url_for("plan.seat_requests_page", slug=slug))


@bp.route("/seat-requests/mark", methods=["POST"])
@login_required
def mark(slug: str) -> Response:
    """Treat an agenda item as a request for a seat."""
    forum = forum_for_user(slug)
    form = _mark_form(forum)
    if form.validate_on_submit():
        item = owned(AgendaItem, form.item_id.data, forum)
        seat_requests.mark(item, actor())
        db.session.commit()
        flash(_("“%(title)s” is a seat request.", title=item.title), "info")
    return redirect(url_for("plan.seat_requests_page", slug=slug))


@bp.route("/seat-requests/<int:item_id>/decide", methods=["POST"])
@login_required
def decide(slug: str, item_id: int) -> Response:
    """Record the forum's decision; an approval creates the seat and its mandate."""
    forum = forum_for_user(slug)
    item = owned(AgendaItem, item_id, forum)
    form = _decide_form(forum, meetings.local_day(forum, utcnow()))
    back = url_for("plan.seat_requests_page", slug=slug)
    if not form.validate_on_submit():
        flash(_("The decision could not be recorded."), "error")
        return redirect(back)
    vacant = owned(Seat, form.vacant_seat_id.data, forum) if form.vacant_seat_id.data else None
    applicant = seat_requests.Applicant(form.name.data or "", form.email.data or "",
                                        form.organisation.data or "")
    try:
        seat_requests.decide(item, form.decision.data == "approve", form.seat_label.data,
                             applicant, form.starts_on.data, vacant, form.note.data, actor())
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(back)
    # An approved seat's member is due at the coming meetings whose invitations are out.
    done = invitation_sync.sync_coming(forum, actor=actor())
    db.session.commit()
    jobs.enqueue_all([done.followup])
    flash(_("The decision is recorded in the minutes."), "info")
    return redirect(back)
