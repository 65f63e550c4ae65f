"""Count docstring and comment lines per package of jaxrelic (issue 13, item 5).

    python scripts/docstring_lines.py [jaxrelic]

Docstring lines: every line of a module, class or function docstring (ast). Comment lines: lines holding a
``#`` comment token (tokenize) that are not inside a docstring. Packages: ``jaxrelic/<sub>``, and
``jaxrelic/models/<model>`` separately.
"""

from __future__ import annotations

import ast
import io
import pathlib
import sys
import tokenize


def count(path: pathlib.Path) -> tuple[int, int, int]:
    """(docstring lines, comment lines outside docstrings, total lines) of one file."""
    src = path.read_text()
    doc: set[int] = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                doc.update(range(body[0].lineno, body[0].end_lineno + 1))
    com = {t.start[0] for t in tokenize.generate_tokens(io.StringIO(src).readline) if t.type == tokenize.COMMENT}
    return len(doc), len(com - doc), len(src.splitlines())


def main(root: str = "jaxrelic") -> None:
    base = pathlib.Path(root)
    groups: dict[str, list[int]] = {}
    for p in sorted(base.rglob("*.py")):
        parts = p.relative_to(base.parent).parts
        key = "/".join(parts[:3]) if len(parts) > 2 and parts[1] == "models" else "/".join(parts[:2])
        key = f"{parts[0]} (top level)" if key.endswith(".py") else key
        acc = groups.setdefault(key, [0, 0, 0])
        for i, v in enumerate(count(p)):
            acc[i] += v
    total = [0, 0, 0]
    for key, (d, c, t) in sorted(groups.items()):
        print(f"{key:32s} docstring {d:5d}  comment {c:5d}  both {d + c:5d}  total {t:6d}")
        total = [total[0] + d, total[1] + c, total[2] + t]
    d, c, t = total
    print(f"{'TOTAL':32s} docstring {d:5d}  comment {c:5d}  both {d + c:5d}  total {t:6d}")


if __name__ == "__main__":
    main(*sys.argv[1:])
