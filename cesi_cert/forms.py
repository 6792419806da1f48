"""Form helpers shared by the portal, the workspaces and the admin."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .errors import DomainError


def add_domain_errors(form, err: DomainError) -> None:
    """Put a service's per-field messages next to the matching fields (others on top)."""
    for field, msgs in err.field_errors().items():
        target = field if field in form.fields else None
        for msg in msgs:
            form.add_error(target, msg)


class IsoDateInput(forms.DateInput):
    """``<input type="date">`` with its value always in ISO (``2026-11-26``).

    A date input accepts nothing else; Django would render the active language's first input
    format instead (``2026/11/26`` in Chinese), which the browser shows as an empty field — and
    the form then answers "this field is required" for a date the user never saw. Parsing is
    unaffected: ISO is among every language's input formats.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class KeepsUploadsMixin:
    """File fields whose valid upload survives a round of errors on other fields.

    A browser never re-sends a chosen file, so without this every failed round asks for the
    files again. Here a valid upload on a form that fails is kept aside
    (:func:`cesi_cert.files.keep_upload`) and a signed token goes into the hidden field
    ``<name>_kept``; the next round uses the kept file unless a new one is chosen, and the field
    says which file is kept. ``new_uploads`` holds, per field, the file to store this time (sent
    now or kept); ``discard_kept()`` removes the kept copies once a service has stored them.

    Set ``keep_uploads`` to the file fields' names and pass ``uploader=request.user``.
    """

    keep_uploads: tuple[str, ...] = ()

    def __init__(self, *args, uploader=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        self.new_uploads: dict = {}
        self.kept: dict[str, str] = {}  # field → the kept file's original name
        self._kept_files: list = []
        self._in_full_clean = False
        for name in self.keep_uploads:
            self.fields[f"{name}_kept"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        from .files import check_upload, kept_upload

        data = super().clean()
        for name in self.keep_uploads:
            token = data.pop(f"{name}_kept", "") or ""
            upload = self.files.get(name) if self.files else None
            if upload is not None:
                if name in self.errors:
                    continue
                try:
                    check_upload(upload, field=name)
                except DomainError as err:
                    self.add_error(name, err.message)
                    continue
                self.new_uploads[name] = upload
            elif token and self.uploader is not None:
                kept = kept_upload(token, by=self.uploader)
                if kept is None:
                    self.add_error(
                        name,
                        _("The file you chose earlier is no longer kept; please choose it again."),
                    )
                    continue
                self._kept_files.append(kept)
                self.new_uploads[name] = kept
                self._show_kept(name, token, kept.name)
        for name, file in self.new_uploads.items():
            data[name] = file
        return data

    def full_clean(self):
        self._in_full_clean = True
        try:
            super().full_clean()
        finally:
            self._in_full_clean = False
        if self._errors:
            self._keep_new_uploads()

    def add_error(self, field, error):
        super().add_error(field, error)
        if not self._in_full_clean and hasattr(self, "cleaned_data"):
            self._keep_new_uploads()  # a service refused a value after the form passed

    def discard_kept(self) -> None:
        """Remove the kept copies this round used (call after the service stored them)."""
        from .files import discard_kept_upload

        for kept in self._kept_files:
            discard_kept_upload(kept)
        self._kept_files = []

    def _keep_new_uploads(self) -> None:
        from .files import keep_upload

        for name, upload in self.new_uploads.items():
            if name in self.kept or name in self.errors or self.uploader is None:
                continue
            self._show_kept(name, keep_upload(upload, by=self.uploader), upload.name)
        for name in self.keep_uploads:
            if name in self.errors:  # a file refused now replaces nothing: ask for one again
                self._set_data(f"{name}_kept", "")

    def _show_kept(self, name: str, token: str, original: str) -> None:
        from .files import safe_display_name

        original = safe_display_name(original)
        self.kept[name] = original
        self._set_data(f"{name}_kept", token)
        field = self.fields[name]
        field.help_text = format_lazy(
            "{} {}",
            _(
                "“%(name)s” is kept from your last attempt and will be saved with the form; "
                "choose a file only to use a different one."
            )
            % {"name": original},
            field.help_text or "",
        )
        self._bound_fields_cache.pop(name, None)  # a bound field copies the help text it had

    def _set_data(self, key: str, value: str) -> None:
        if getattr(self.data, "_mutable", True) is False:
            self.data = self.data.copy()
        self.data[key] = value
