"""Building CrossAgent models: presets, the project tokenizer, wrapping a pretrained VLM.

Not Hub-facing: these helpers import `crossagent` freely; the model they build is the flat
`modeling_crossagent` package, which is what a saved checkpoint carries.
"""
