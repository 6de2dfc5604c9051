"""The one form-styling mixin every app's forms use, so templates render fields generically."""

from django import forms


class BootstrapMixin:
    """Gives every widget the Bootstrap class its kind needs and marks fields with errors.

    ``compact = True`` uses the small variants (filter bars, side panels)."""

    compact = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size = "-sm" if self.compact else ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = f"form-select form-select{size}" if size else "form-select"
            else:
                css = f"form-control form-control{size}" if size else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
