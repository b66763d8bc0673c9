"""Hub-facing model code for CrossAgent.

FLAT package: modules here import only torch, transformers and each other (by
relative sibling import), never `crossagent`, because `save_pretrained` copies
them into every saved model folder and `AutoModel.from_pretrained(...,
trust_remote_code=True)` loads them from there without this project installed.
"""
