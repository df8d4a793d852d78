"""Practice models live in two modules, one per part; Django finds them through here."""

from alongside.practice.models_experiments import *  # noqa: F403
from alongside.practice.models_growth import *  # noqa: F403
