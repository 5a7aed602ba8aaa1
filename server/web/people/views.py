"""Setup: people (being built)."""

from server.web.pages import group, page, render

blp = group("people")


@page(blp, "/people")
def index():
    return render("people/index.html")
