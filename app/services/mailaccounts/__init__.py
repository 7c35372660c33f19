"""The forum's own mailbox: its settings and secrets, its logins, and how it is doing."""
