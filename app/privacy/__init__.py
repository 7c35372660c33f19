"""Privacy (GDPR): retention of mail and audit events, access requests, erasure."""
