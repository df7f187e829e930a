"""How static files are found and collected: files that Python packages ship, hashed names,
gzip copies, ES module imports rewritten."""

from collections.abc import Iterable, Iterator
from importlib import import_module
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Static name -> (Python package shipping the file, its path under the package's BASE_DIR).
# From packages, never copied into this repository; only the files named here are served.
PACKAGE_FILES = {
    # The admin's language tabs (django-modeltranslation's TabbedTranslationAdmin, JQUERY_UI_URL)
    "jquery-ui/jquery-ui.min.js": ("xstatic.pkg.jquery_ui", "jquery-ui.min.js"),
}


def package_file(name: str) -> Path:
    package, path = PACKAGE_FILES[name]
    return Path(import_module(package).BASE_DIR) / path


class PackageFilesFinder(BaseFinder):
    """Finds the files of PACKAGE_FILES, for collectstatic and for DEBUG's finders."""

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        # [] for "not here", as Django's own finders answer: finders.find() takes a None for
        # a match and would hand whitenoise [None, …].
        found = [str(package_file(path))] if path in PACKAGE_FILES else []
        return found[0] if found and not find_all else found

    def list(self, ignore_patterns: list[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        for name in PACKAGE_FILES:
            source = package_file(name)
            storage = FileSystemStorage(location=source.parent)
            storage.prefix = str(Path(name).parent)  # collected as <prefix>/<file name>
            yield source.name, storage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Each file is collected under a name carrying a hash of its content, which whitenoise
    serves with a year's `immutable` cache, and a gzip copy beside it. Our ES modules import
    each other by relative path (`import … from "../support/shortcuts.js";`); those paths are
    rewritten to the hashed names too, so a page never mixes a new module with a cached old
    one. An embedding site's script tag may keep the plain name (served with a short cache)."""

    support_js_module_import_aggregation = True

    def __init__(self, *args, compress: bool = True, **kwargs) -> None:
        # OPTIONS {"compress": False}: the test suite collects once per run without the gzip
        # pass (seconds), and tests compression once on its own.
        self.compress = compress
        super().__init__(*args, **kwargs)

    def compress_files(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        if self.compress:
            yield from super().compress_files(paths)

    def url(self, name: str | None, force: bool = False) -> str:
        # Django hands out plain names while DEBUG is on. The launcher's demo runs with DEBUG
        # after collectstatic, and should be served as production is; a checkout that never
        # collected (no manifest) keeps the plain names.
        return super().url(name, force=force or bool(self.hashed_files))
