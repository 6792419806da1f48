"""Read queries of the certificates app, scoped to who may see them (another's id is a 404)."""
