"""Text alternatives for figures, read off the figure itself: its title, axis labels, categories and legend.

A reader who cannot see a figure (a screen reader, a text-only browser, an image that failed to load)
gets what a sighted reader sees first: what is plotted against what, for which categories. Derived from
the ``matplotlib`` figure, so every figure gets one without a hand-written string per figure.
"""

MAX_CATEGORIES = 8  # tick labels listed before "and N more"


def alt_text(figure):
    """One paragraph describing ``figure``: per axes, the title, the axes' labels, the categories and series."""
    heading = _suptitle(figure)
    parts = [f"Chart: {heading}." if heading else ""]
    parts += [_describe_axes(axes) for axes in figure.get_axes() if axes.get_visible()]
    text = " ".join(p for p in parts if p)
    return text or "Figure (no title or axis labels)."


def title(figure):
    """The figure's title (its suptitle, else its first axes title) on one line, the synthetic mark (a
    second line) left out; '' when it has none."""
    for text in [_suptitle(figure), *(axes.get_title() for axes in figure.get_axes())]:
        text = _clean(text).split(" — ")[0]
        if text:
            return text
    return ""


def _suptitle(figure):
    return _clean(figure.get_suptitle())


def _describe_axes(axes):
    heading = _clean(axes.get_title())
    x, y = _clean(axes.get_xlabel(), " "), _clean(axes.get_ylabel(), " ")
    sentences = [f"Chart: {heading}." if heading else ""]
    if x and y:
        sentences.append(f"Horizontal axis: {x}; vertical axis: {y}.")
    elif x or y:
        sentences.append(f"{'Horizontal' if x else 'Vertical'} axis: {x or y}.")
    categories = _categories(axes.get_yticklabels()) or _categories(axes.get_xticklabels())
    if categories:
        sentences.append(f"Categories: {categories}.")
    legend = axes.get_legend()
    series = [_clean(t.get_text(), " ") for t in legend.get_texts()] if legend is not None else []
    if [s for s in series if s]:
        sentences.append(f"Series: {', '.join(s for s in series if s)}.")
    return " ".join(s for s in sentences if s)


def _categories(labels):
    """Tick labels that name things (not numbers), listed; '' when the axis is numeric."""
    names = [_clean(t.get_text(), " ") for t in labels]
    names = [n for n in names if n and not _numeric(n)]
    if not names:
        return ""
    shown = ", ".join(names[:MAX_CATEGORIES])
    return shown + (f" and {len(names) - MAX_CATEGORIES} more" if len(names) > MAX_CATEGORIES else "")


def _numeric(text):
    stripped = text.replace("%", "").replace("−", "-").replace(",", "").replace("$", "").strip()
    stripped = stripped.replace("\\mathdefault{", "").replace("{", "").replace("}", "").replace("^", "e")
    try:
        float(stripped)
    except ValueError:
        return False
    return True


def _clean(text, joiner=" — "):
    """Lines joined (by a dash: a title's second line is another statement), spaces collapsed."""
    return joiner.join(" ".join(line.split()) for line in str(text).splitlines() if line.strip())
