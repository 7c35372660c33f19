"""Mail understanding and composing: pure functions, no Flask, no SQLAlchemy, no sockets."""
