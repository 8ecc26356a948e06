"""Build each addon's README.rst from its readme/ fragments (OCA section order).

Usage: python3 setup/gen_readme.py [--check]

With --check, exit 1 when a README.rst is missing or out of date (the lint runs it).
"""

import ast
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECTIONS = [
    ("DESCRIPTION.md", None),
    ("INSTALL.md", "Installation"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
]


def md_to_rst(text):
    """The Markdown subset the fragments use: paragraphs, lists, emphasis, code."""
    out = []
    for line in text.rstrip().splitlines():
        line = line.replace("**", "\x00").replace("*", "*").replace("\x00", "**")
        line = line.replace("`", "``").replace("````", "``")
        numbered = re.match(r"\d+\.(?= )", line)
        if numbered:
            line = "#." + line[numbered.end() :]
        out.append(line)
    return "\n".join(out) + "\n"


def build(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    title = manifest["name"]
    parts = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        manifest.get("summary", ""),
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    readme = addon / "readme"
    for filename, heading in SECTIONS:
        fragment = readme / filename
        if not fragment.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts.append(md_to_rst(fragment.read_text()))
    contributors = readme / "CONTRIBUTORS.md"
    parts += [
        "Credits",
        "=======",
        "",
        "Authors",
        "-------",
        "",
        f"* {manifest['author']}",
        "",
    ]
    if contributors.exists():
        parts += [
            "Contributors",
            "------------",
            "",
            md_to_rst(contributors.read_text()),
        ]
    return "\n".join(parts).rstrip() + "\n"


def main():
    check = "--check" in sys.argv
    stale = []
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        addon = manifest.parent
        if not (addon / "readme").is_dir():
            continue
        text = build(addon)
        target = addon / "README.rst"
        if check:
            if not target.exists() or target.read_text() != text:
                stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text)
    if stale:
        print(
            "README.rst out of date (run python3 setup/gen_readme.py):",
            ", ".join(stale),
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
