"""The setup index: every section an admin or supervisor uses to set up an estate."""

from server.web.pages import group, page, render
from server.web.setup.sections import SECTIONS

blp = group("setup")


@page(blp, "/setup")
def index():
    return render("setup/index.html", sections=SECTIONS)
