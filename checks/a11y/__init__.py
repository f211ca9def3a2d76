"""Accessibility (无障碍, GB/T 37668-2019 / WCAG) and elder-friendly (适老化) rules.

Static checks on every stored page plus the browser stage's axe-core results on sampled (or all)
pages; rule book §5 and §8. ``_common`` maps axe rules to GB/T 37668 clauses.
"""
