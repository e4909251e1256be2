"""Sphinx directive ``mdpsim-algorithm NAME``: a registered algorithm's card.

Renders, from the registry itself (so the page cannot drift from the code), the algorithm's
title, paper, every hyper-parameter with its type, default, provenance (``paper`` /
``paper-code`` / ``proposed``), theory value and description, and the list of parts that are
reconstructions. DRPG (a planner, not a registered learner) is rendered from
:func:`mdpsim.algorithms.drpg.drpg_hyperparameters`. The nodes are built directly, so the
directive works the same from reStructuredText and from MyST Markdown.
"""
from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def _para(*parts) -> nodes.paragraph:
    """A paragraph from (kind, text) parts: kind in {"text", "strong", "code"}."""
    p = nodes.paragraph()
    for kind, text in parts:
        if kind == "strong":
            p += nodes.strong(text=text)
        elif kind == "code":
            p += nodes.literal(text=text)
        else:
            p += nodes.Text(text)
    return p


def _table(header: list[str], rows: list[list[tuple[str, str]]]) -> nodes.table:
    table = nodes.table(classes=["mdpsim-card"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    thead = nodes.thead()
    group += thead
    hrow = nodes.row()
    for h in header:
        hrow += nodes.entry("", nodes.paragraph(text=h))
    thead += hrow
    tbody = nodes.tbody()
    group += tbody
    for r in rows:
        row = nodes.row()
        for kind, text in r:
            row += nodes.entry("", _para((kind, text)) if text else nodes.paragraph())
        tbody += row
    return table


class AlgorithmCard(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        name = self.arguments[0]
        if name == "drpg":
            from mdpsim.algorithms import drpg
            hps = list(drpg.drpg_hyperparameters().values())
            title, paper, recon = "DRPG", drpg.PAPER, drpg.RECONSTRUCTED
        else:
            from mdpsim.algorithms import get_algorithm
            cls = get_algorithm(name)
            hps, title, paper, recon = (cls.hyperparameters, cls.title, cls.paper,
                                        cls.reconstructed)
        out = nodes.container(classes=["mdpsim-algorithm"])
        out += _para(("strong", "Registered name: "), ("code", name), ("text", " — "),
                     ("strong", title))
        out += _para(("strong", "Paper: "), ("text", paper))
        out += _para(("strong", "Hyper-parameters"),
                     ("text", " (source: where the default comes from; theory: the paper's "
                              "value where the default is tuned):"))
        rows = [[("code", p.name), ("text", p.type.__name__), ("code", repr(p.default)),
                 ("text", p.source), ("code", "" if p.theory is None else repr(p.theory)),
                 ("text", p.doc)] for p in hps]
        out += _table(["name", "type", "default", "source", "theory", "meaning"], rows)
        if recon:
            out += _para(("strong", "Reconstructed parts"),
                         ("text", " (listed in every result's "), ("code", "reconstructed"),
                         ("text", " column):"))
            bl = nodes.bullet_list()
            for r in recon:
                bl += nodes.list_item("", nodes.paragraph(text=r))
            out += bl
        else:
            out += _para(("strong", "Reconstructed parts: "), ("text", "none."))
        return [out]


def setup(app):
    app.add_directive("mdpsim-algorithm", AlgorithmCard)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
