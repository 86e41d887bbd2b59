"""Entry points and adapters: the command line, the store, key files (and, later, HTTP)."""
