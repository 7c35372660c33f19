"""The forum's structure on the page: seats, appointing bodies and guest lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from app.admin import structure
from app.extensions import db
from app.i18n import gettext as _
from app.models import AppointingBody, GuestList, Person, Seat, SeatKind
from app.services.errors import ServiceError
from app.views.common import forum_for_user, owned

bp = Blueprint("structure", __name__, url_prefix="/forum/<slug>/structure")


@bp.route("/")
@login_required
def index(slug: str):
    """Show the seats, the appointing bodies and the guest lists, each editable."""
    forum = forum_for_user(slug)
    seats = sorted(forum.seats, key=lambda s: (s.abolished_on is not None, s.position, s.id))
    people = db.session.scalars(select(Person).filter_by(forum_id=forum.id)
                                .order_by(func.lower(Person.name))).all()
    guest_lists = db.session.scalars(select(GuestList).filter_by(forum_id=forum.id)
                                     .order_by(GuestList.name)).all()
    return render_template("structure/index.html", forum=forum, seats=seats,
                           bodies=sorted(forum.appointing_bodies, key=lambda b: b.name),
                           guest_lists=guest_lists, people=people, kinds=list(SeatKind),
                           form=FlaskForm(), today=date.today())


def _apply(slug: str, change: Callable[[], object], done: str, anchor: str):
    """Run CHANGE for a checked form; commit and say DONE, or roll back and say why."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        change()
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "info")
    return redirect(url_for("structure.index", slug=slug) + f"#{anchor}")


def _form(name: str) -> str:
    return request.form.get(name, "")


@bp.post("/seats")
@login_required
def add_seat(slug: str):
    """Add a seat."""
    forum = forum_for_user(slug)
    return _apply(slug, lambda: structure.add_seat(
        forum, current_user.email, _form("label"), _form("kind"), _form("body_id"),
        _form("term_months"), date.today()), _("The seat is added."), "seats")


@bp.post("/seats/<int:seat_id>")
@login_required
def update_seat(slug: str, seat_id: int):
    """Rename a seat, or change its appointing body or term."""
    seat = owned(Seat, seat_id, forum_for_user(slug))
    return _apply(slug, lambda: structure.update_seat(
        seat, current_user.email, _form("label"), _form("body_id"), _form("term_months")),
        _("Saved."), f"seat-{seat_id}")


@bp.post("/seats/<int:seat_id>/move")
@login_required
def move_seat(slug: str, seat_id: int):
    """Move a seat up or down the roster."""
    seat = owned(Seat, seat_id, forum_for_user(slug))
    step = -1 if _form("direction") == "up" else 1
    return _apply(slug, lambda: structure.move_seat(seat, current_user.email, step),
                  _("The seat is moved."), "seats")


@bp.post("/seats/<int:seat_id>/abolish")
@login_required
def abolish_seat(slug: str, seat_id: int):
    """Abolish a seat after a given day; its history stays."""
    seat = owned(Seat, seat_id, forum_for_user(slug))
    try:
        last_day = date.fromisoformat(_form("last_day"))
    except ValueError:
        flash(_("Give the seat's last day."), "error")
        return redirect(url_for("structure.index", slug=slug) + "#seats")
    return _apply(slug, lambda: structure.abolish_seat(seat, current_user.email, last_day),
                  _("The seat is abolished; its history stays in the archive."), "seats")


@bp.post("/bodies", defaults={"body_id": None})
@bp.post("/bodies/<int:body_id>")
@login_required
def save_body(slug: str, body_id: int | None):
    """Add an appointing body, or change one."""
    forum = forum_for_user(slug)
    body = owned(AppointingBody, body_id, forum) if body_id else None
    return _apply(slug, lambda: structure.save_body(
        forum, current_user.email, body, _form("name"), _form("email"), _form("contact")),
        _("Saved."), "bodies")


@bp.post("/guests", defaults={"list_id": None})
@bp.post("/guests/<int:list_id>")
@login_required
def save_guest_list(slug: str, list_id: int | None):
    """Add a guest list, or change its name and quarters."""
    forum = forum_for_user(slug)
    guest_list = owned(GuestList, list_id, forum) if list_id else None
    return _apply(slug, lambda: structure.save_guest_list(
        forum, current_user.email, guest_list, _form("name"),
        request.form.getlist("quarters")), _("Saved."), "guests")


@bp.post("/guests/<int:list_id>/members")
@login_required
def add_guest(slug: str, list_id: int):
    """Put a person on a guest list."""
    guest_list = owned(GuestList, list_id, forum_for_user(slug))
    return _apply(slug, lambda: structure.add_guest(
        guest_list, current_user.email, _form("person_id"), _form("name"), _form("email")),
        _("The guest is added; coming meetings of its quarters invite them at the next "
          "sending."), f"guests-{list_id}")


@bp.post("/guests/<int:list_id>/members/<int:person_id>/remove")
@login_required
def remove_guest(slug: str, list_id: int, person_id: int):
    """Take a person off a guest list."""
    guest_list = owned(GuestList, list_id, forum_for_user(slug))
    return _apply(slug, lambda: structure.remove_guest(guest_list, current_user.email,
                                                       person_id),
                  _("The guest is taken off the list."), f"guests-{list_id}")
