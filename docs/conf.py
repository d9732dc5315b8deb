"""Sphinx configuration of the course website (``make site``; see ``tools/site_build.py``).

``tools/site_build.py`` copies this folder beside the notebooks of one edition and writes
``site.json`` there (the edition, the repository, the title); nothing here is read from the
network: the theme, the search and every figure are in the built folder.
"""

import json
from pathlib import Path

SITE = json.loads((Path(__file__).parent / "site.json").read_text())

project = SITE["title"]
author = SITE["authors"]
copyright = SITE["copyright"]
language = "en"

extensions = ["myst_nb"]
myst_enable_extensions = ["colon_fence", "deflist", "html_image"]
myst_heading_anchors = 3
# The notebooks are never run here: their outputs are the stored ones (tools/site_notebooks.py).
nb_execution_mode = "off"
nb_merge_streams = True
# Answers of the self-study edition are folded code cells (tag hide-input) with these labels.
nb_code_prompt_show = "Show answer"
nb_code_prompt_hide = "Hide answer"
# Widgets' JavaScript would come from a CDN: the notebooks use none.
nb_ipywidgets_js = {}

exclude_patterns = ["_build", "_extra", "site.json", "**.ipynb_checkpoints"]
# The notebooks to download (docs/../downloads/...), copied as they are.
html_extra_path = ["_extra"]
suppress_warnings = ["myst.header"]

html_theme = "sphinx_book_theme"
html_title = SITE["title"]
html_static_path = ["_static"]
html_css_files = ["site.css"]
# A favicon of its own: without one, browsers ask for /favicon.ico and log a 404.
html_favicon = "_static/favicon.svg"
# pydata-sphinx-theme logs a console error when no colour mode is set.
html_context = {"default_mode": "auto"}
# The notebooks to download are linked on each page (downloads/): no second copy.
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    # Each notebook page links its .ipynb itself (downloads/); the theme would link _sources/.
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": bool(SITE["repository_url"]),
    "repository_url": SITE["repository_url"],
    "repository_branch": SITE["branch"],
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "extra_footer": SITE["footer"],
    "announcement": SITE["announcement"],
}
