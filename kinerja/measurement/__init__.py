"""How performance is measured: capaian rules and categories (analysis, pure functions), the
figures of a cycle (results), and what a target is (targets)."""
