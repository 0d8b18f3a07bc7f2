"""The ``supervision-kit`` command line: thin handlers over the facade."""
