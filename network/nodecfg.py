"""Edit a node's config.toml / app.toml in place: `nodecfg.py FILE section.key=value ...`.

Values are written as given (quote strings yourself: key='"x"'). The top-level section is
named by an empty section (".key=value"). Exits non-zero if a key is not found, so that a
renamed option in a new wasmd version is noticed instead of silently ignored.
"""

import re
import sys


def edit(text: str, assignments: dict[tuple[str, str], str]) -> str:
    section = ""
    seen = set()
    out = []
    for line in text.splitlines():
        m = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
        if m:
            section = m.group(1).strip()
        else:
            k = re.match(r"^([A-Za-z0-9_.-]+)\s*=", line)
            if k and (section, k.group(1)) in assignments:
                key = (section, k.group(1))
                line = f"{k.group(1)} = {assignments[key]}"
                seen.add(key)
        out.append(line)
    missing = set(assignments) - seen
    if missing:
        raise KeyError(", ".join(f"[{s}] {k}" for s, k in sorted(missing)))
    return "\n".join(out) + "\n"


def main() -> None:
    path = sys.argv[1]
    assignments = {}
    for arg in sys.argv[2:]:
        lhs, value = arg.split("=", 1)
        section, _, key = lhs.rpartition(".")
        assignments[(section, key)] = value
    with open(path) as f:
        text = f.read()
    try:
        text = edit(text, assignments)
    except KeyError as e:
        sys.exit(f"nodecfg: not found in {path}: {e}")
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
