"""Privacy (GDPR): retention, access requests, erasure."""
