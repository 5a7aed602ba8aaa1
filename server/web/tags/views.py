"""Setup: tags (being built)."""

from server.web.pages import group, page, render

blp = group("tags")


@page(blp, "/tags")
def index():
    return render("tags/index.html")
