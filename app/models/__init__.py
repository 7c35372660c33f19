"""All models, importable from one place so Alembic sees every table."""

from app.models.accounts import MailAccount
from app.models.agenda import AgendaAttachment, AgendaItem, AgendaKind, AgendaStatus
from app.models.audit import AuditEvent
from app.models.base import Base, utcnow
from app.models.followups import Followup
from app.models.forum import AppointingBody, Forum, Mandate, MandateRole, Person, Seat, SeatKind
from app.models.mail import (
    InboundMessage,
    InboundState,
    MailboxState,
    OutboundMessage,
    OutboundState,
)
from app.models.meetings import (
    AnswerChannel,
    GuestList,
    GuestListMember,
    Invitation,
    InvitationRole,
    InvitationStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from app.models.minutes import (
    Minutes,
    MinutesPresence,
    MinutesSection,
    MinutesStatus,
    SectionKind,
)
from app.models.rules import PlanPattern, SeatRequestDecision, SeatVacancy
from app.models.users import User

__all__ = [
    "AgendaAttachment", "AgendaItem", "AgendaKind", "AgendaStatus", "AnswerChannel",
    "AppointingBody", "AuditEvent", "Base", "Followup", "Forum", "GuestList", "GuestListMember",
    "InboundMessage", "InboundState", "Invitation", "InvitationRole", "InvitationStatus",
    "MailAccount", "MailboxState", "Mandate", "MandateRole", "Meeting", "MeetingKind",
    "MeetingStatus",
    "Minutes", "MinutesPresence", "MinutesSection", "MinutesStatus", "OutboundMessage",
    "OutboundState", "Person", "PlanPattern", "Seat", "SeatKind", "SeatRequestDecision",
    "SeatVacancy", "SectionKind", "User",
    "utcnow",
]
