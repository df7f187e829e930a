"""How static files are collected: hashed names, gzip copies, ES module imports rewritten."""

from collections.abc import Iterable, Iterator

from whitenoise.storage import CompressedManifestStaticFilesStorage


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
