"""The console's first page: what needs a supervisor's eye today on each of their sites."""

from server.web.pages import group, page, render

blp = group("today")


@page(blp, "/today")
def index():
    return render("today/index.html")
