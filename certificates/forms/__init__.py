"""Forms of the certificates app (the fields of its transitions and object actions)."""
