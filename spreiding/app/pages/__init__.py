"""app/pages."""
