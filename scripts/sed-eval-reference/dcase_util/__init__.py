# Minimal stand-in for dcase_util (verification only): just what sed_eval 0.2.1's sound_event uses.
from . import containers, ui
