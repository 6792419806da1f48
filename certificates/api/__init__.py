"""The certificates app's collections under /api/v1/ (SPEC "Public contract")."""
