"""Date and number formats for our languages where Django's own differ from how the market
writes them (settings.FORMAT_MODULE_PATH). A module names only what it changes; the input
formats and everything else come from Django's locale of the same name. English keeps Django's.

Django looks a language up by its locale name (`zh-hans` → `zh_Hans`), hence the package names.
"""
