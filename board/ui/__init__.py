"""The Textual app: screens, widgets and styles. Reads snapshots, never the database."""
