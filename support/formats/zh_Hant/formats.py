"""Traditional Chinese writes dates, times and numbers as simplified Chinese does."""

from support.formats.zh_Hans.formats import *  # noqa: F403
