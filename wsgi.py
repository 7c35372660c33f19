"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from app import create_app, private_files

private_files()
app = create_app()
