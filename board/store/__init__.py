"""The store: everything that touches the SQLite file. Imports SQLAlchemy, never Textual."""
