"""How the live chat's code holds together, read from its source: no import circle between its
modules (also through imports inside functions), no module reaching into another's private
helpers, and a chat's status written in one place only (services.conversation_transition,
which also writes the event row)."""

import ast
from pathlib import Path

LIVECHAT = Path(__file__).resolve().parents[2] / "livechat"


def modules() -> dict[str, ast.Module]:
    return {
        path.stem: ast.parse(path.read_text(), filename=str(path))
        for path in sorted(LIVECHAT.glob("*.py"))
    }


def livechat_imports(tree: ast.Module) -> set[str]:
    """The livechat modules `tree` imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "livechat":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("livechat."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("livechat.")}
    return found


def test_no_import_circle_between_livechat_modules():
    trees = modules()
    graph = {name: livechat_imports(tree) & set(trees) - {name} for name, tree in trees.items()}

    def cycle_from(start: str, path: list[str]) -> list[str] | None:
        for following in sorted(graph[path[-1]]):
            if following == start:
                return [*path, start]
            if following not in path:
                found = cycle_from(start, [*path, following])
                if found:
                    return found
        return None

    circles = [found for name in graph if (found := cycle_from(name, [name]))]
    assert circles == []


def test_no_module_uses_another_modules_private_helpers():
    trees = modules()
    reaching = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("livechat"):
                reaching += [(name, a.name) for a in node.names if a.name.startswith("_")]
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in trees
                and node.attr.startswith("_")
            ):
                reaching.append((name, f"{node.value.id}.{node.attr}"))
    assert reaching == []


def test_a_chats_status_is_written_only_by_the_transition_function():
    writers = []
    for name, tree in modules().items():
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    writers.append(name)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "update"
                and any(keyword.arg == "status" for keyword in node.keywords)
            ):
                writers.append(name)
    assert writers == ["services"]
