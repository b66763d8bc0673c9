"""CrossAgent: one vision-language-action model that acts across five action spaces.

The library that the CLI, the trainers, the dataset builders and the evaluation
runner import. The Hub-facing model code lives in the flat `modeling_crossagent`
package, which imports nothing from here.
"""

__version__ = "0.1.0"
