"""No Django models: the index is SQL of its own (see fulltext.py); this module lets migrate signal the app."""
