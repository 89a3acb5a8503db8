"""The actions every entry point shares: REST handlers, sockets and the CLI call these."""
