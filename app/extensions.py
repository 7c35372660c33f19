"""Flask extensions, created unbound and initialised in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_rq import RQ
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
login = LoginManager()
babel = Babel()
csrf = CSRFProtect()
rq = RQ()
#: No default limits: only the views that say so are throttled (app.security.throttle).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Make SQLite fit for a web app, a job worker and a mail worker at once.

    WAL lets readers and one writer work together; synchronous=NORMAL keeps every
    commit safe from a crash of the app (not of the machine's power) at a fraction
    of the cost; the busy timeout waits for a lock instead of failing.
    """
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000",
                   "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


# A transaction that only read ends with COMMIT instead of ROLLBACK on PostgreSQL: the
# same for the database, but psycopg forgets its prepared statements at every ROLLBACK,
# and a page's request (which reads and never commits) ended in one. Its statements were
# parsed and planned anew every time: two thirds of PostgreSQL's work for a page.
_WROTE = "forumpost_wrote"


@event.listens_for(Engine, "begin")
def _note_begin(conn) -> None:
    """Start a transaction as one that has written nothing yet."""
    conn.info[_WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn, cursor, statement, parameters, context, executemany) -> None:
    """Mark the transaction as written to unless the statement is a compiled query."""
    if not _reads_only(context):
        conn.info[_WROTE] = True


def _reads_only(context) -> bool:
    """Return whether CONTEXT runs a statement that cannot change data: a compiled SELECT.

    Text, driver SQL, DDL, INSERT, UPDATE and DELETE count as writes, whatever they say.
    """
    return (context is not None and context.compiled is not None and not context.is_text
            and not (context.isinsert or context.isupdate or context.isdelete or context.isddl))


@event.listens_for(Engine, "rollback")
def _commit_reads(conn) -> None:
    """End a PostgreSQL transaction that only read with COMMIT (its ROLLBACK then does
    nothing), so psycopg keeps the connection's prepared statements."""
    if conn.info.get(_WROTE, True):
        return
    dbapi_connection = conn.connection.dbapi_connection
    if type(dbapi_connection).__module__.startswith("psycopg") and \
            dbapi_connection.info.transaction_status == TransactionStatus.INTRANS:
        dbapi_connection.commit()  # INTRANS: open and not failed
