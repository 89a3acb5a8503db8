"""Alembic migrations for Parley (shipped inside the package so an installed chatctl can run them)."""
