def register(router):
    """Mount this app's viewsets on the shared /api/v1/ router."""
