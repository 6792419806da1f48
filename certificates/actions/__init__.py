"""The transitions of the certificates app as people see them (ActionSets)."""
