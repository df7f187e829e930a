"""DRF's own error messages, marked here so that our catalogues translate them into every
language we serve (DRF ships no Korean catalogue under the `ko` code, for one)."""

from django.utils.translation import gettext_noop

DRF_MESSAGES = [
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Invalid token."),
    gettext_noop("You do not have permission to perform this action."),
    gettext_noop("Not found."),
    gettext_noop("This field is required."),
    gettext_noop("This field may not be blank."),
    gettext_noop("This field may not be null."),
    gettext_noop("A valid integer is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Malformed request."),
    gettext_noop("Request was throttled."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("Invalid cursor"),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Null characters are not allowed."),
]
