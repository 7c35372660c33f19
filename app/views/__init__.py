"""Thin blueprints: form, service, commit, enqueue, redirect."""
