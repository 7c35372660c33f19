"""Secretaries: the only people who log in."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.models.base import Base, UTCDateTime, utcnow
from app.models.forum import Forum

user_forums = Table(
    "user_forums",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("forum_id", ForeignKey("forums.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Base):
    """A secretary with a login, serving one or more forums."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(8))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: An installation administrator: creates and archives forums and gives secretaries
    #: access to them, besides being a secretary where she serves.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Part of every session and remember-me cookie: raising it ends them all (logout,
    #: a new password), on every device.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    forums: Mapped[list[Forum]] = relationship(secondary=user_forums, order_by="Forum.name")

    def set_password(self, password: str) -> None:
        """Store a salted hash of PASSWORD; sessions opened with the old one end."""
        self.password_hash = generate_password_hash(password)
        if self.id is not None:
            self.end_sessions()

    def end_sessions(self) -> None:
        """End every session and remember-me cookie of this user."""
        self.session_version = (self.session_version or 1) + 1

    def get_id(self) -> str:
        """Return what the session and the remember-me cookie hold: id and session version."""
        return f"{self.id}:{self.session_version or 1}"

    def check_password(self, password: str) -> bool:
        """Tell whether PASSWORD is this user's."""
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"
