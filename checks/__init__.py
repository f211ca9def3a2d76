"""Check modules: one per rule family; see checks/base.py for the rule model."""
