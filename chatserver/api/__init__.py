"""REST handlers: thin translators between HTTP and the service functions."""
