"""Agenda and minutes on paper: WeasyPrint renders the same Jinja templates the browser prints."""
