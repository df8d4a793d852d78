"""Render the app icons' PNG sizes from their SVGs with Chromium (run after changing an
icon; the PNGs are committed, because install prompts on phones want PNG, not SVG).

    .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parents[1] / "alongside" / "static" / "alongside"
# (svg, png stem): "any" icons keep their rounded corners; maskable ones fill the square
# and keep their drawing inside the middle 80% that every launcher mask leaves visible.
ICONS = [
    ("icon.svg", "icon"),
    ("icon-maskable.svg", "icon-maskable"),
    ("icon-notes.svg", "icon-notes"),
    ("icon-notes-maskable.svg", "icon-notes-maskable"),
]
SIZES = (192, 512)


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            for svg, stem in ICONS:
                source = (STATIC / svg).read_text()
                page.set_content(
                    "<style>html,body{margin:0;background:transparent}svg{display:block;"
                    f"width:{size}px;height:{size}px}}</style>{source}"
                )
                out = STATIC / f"{stem}-{size}.png"
                page.locator("svg").screenshot(path=str(out), omit_background=True)
                print(out.relative_to(STATIC.parents[1]))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
