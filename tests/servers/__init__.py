"""Real servers (Dovecot, SMTP, Redis) for the test suite."""
