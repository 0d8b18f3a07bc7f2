"""What a person sees beside a button in a headless widget tree (issue 14)."""
import ipywidgets as w

from supervision_kit.widgets.common import walk


def beside(root, button: w.Button) -> str:
    """The text of the status lines in the row that holds ``button`` ("" if none)."""
    for box in walk(root):
        if isinstance(box, w.Box) and any(x is button for x in box.children):
            return " ".join(x.value for x in box.children if isinstance(x, (w.Label, w.HTML)))
    raise AssertionError(f"{button.description!r} is not on screen")
