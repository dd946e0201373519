"""How the stages after a `words`/`split` use its list, so it splits no further than needed.

`words | count by status = _[8]` only ever reads `_[8]`: `line.split(None, 9)`
stops after the ninth word instead of cutting up the whole line.
"""
from __future__ import annotations

import dataclasses

from . import ir


def max_index_used(rest: list[ir.Stage]) -> int | None:
    """The largest constant index read from the element, or None if it is used whole
    (or in a way this analysis does not follow)."""
    used = [-1]  # nothing read yet
    whole = [False]

    def scan(node: object) -> None:
        if isinstance(node, ir.GetIndex) and isinstance(node.obj, ir.ElemRef):
            if isinstance(node.index, ir.Const) and isinstance(node.index.value, int) and node.index.value >= 0 \
                    and not isinstance(node.index.value, bool):
                used[0] = max(used[0], node.index.value)
            else:
                whole[0] = True
            scan(node.index)
            return
        if isinstance(node, ir.ElemRef):
            whole[0] = True
            return
        if isinstance(node, tuple):
            for x in node:
                scan(x)
        elif dataclasses.is_dataclass(node) and not isinstance(node, type) and not isinstance(node, ir.StageInfo):
            for f in dataclasses.fields(node):
                if f.name not in ("type", "span", "info"):
                    scan(getattr(node, f.name))

    for stage in rest:
        match stage:
            case ir.Where() | ir.Limit():
                scan(stage)
                if isinstance(stage, ir.Limit) and stage.kind == "tail":
                    return None
                continue
            case ir.Map() | ir.Summarize():
                scan(stage)
                break
            case _:
                return None
    else:
        return None  # the element itself reaches the output
    return None if whole[0] else max(used[0], 0)
