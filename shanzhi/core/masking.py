"""Masking rules for personal data shown on screens, in exports and in the API."""


def mask_id_number(value):
    """``1****************X``: first and last character only (the default for every role)."""
    if not value:
        return ""
    if len(value) < 3:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_phone(value):
    """``138****1234`` for mobiles; other numbers keep only their last four digits."""
    if not value:
        return ""
    if len(value) == 11:
        return value[:3] + "****" + value[-4:]
    return "*" * max(len(value) - 4, 0) + value[-4:]


def mask_name(value):
    """``张*`` / ``欧阳**``: used on public pages only; staff pages show names."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


MASKERS = {"id_number": mask_id_number, "phone": mask_phone}
