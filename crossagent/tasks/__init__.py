"""The 800+ task suite, success predicates, splits and the scripted expert."""
